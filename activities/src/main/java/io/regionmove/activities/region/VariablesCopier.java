package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;
import static io.regionmove.activities.region.Wording.listed;
import static io.regionmove.activities.region.Wording.names;
import static io.regionmove.activities.region.Wording.plural;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Environment variables, except those the source's addons generate. */
final class VariablesCopier implements ConfigCopier {

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    List<Variable> all = source.listVariables(app);
    List<String> copied = all.stream().filter(v -> !v.generated()).map(Variable::name).toList();
    List<String> generated = all.stream().filter(Variable::generated).map(Variable::name).toList();
    String summary = listed(copied.size(), "environment variable", copied);
    if (!generated.isEmpty()) {
      summary +=
          "; not copied: "
              + plural(generated.size(), "addon-generated variable")
              + " ("
              + String.join(", ", generated)
              + "), the destination addons provide their own";
    }
    return new ConfigPlan(ConfigKind.VARIABLES, copied, generated, summary);
  }

  @Override
  public List<String> copy(ConfigMove move) {
    List<Variable> all = move.source().listVariables(move.app());
    List<Variable> copied = all.stream().filter(v -> !v.generated()).toList();
    List<String> generated = all.stream().filter(Variable::generated).map(Variable::name).toList();
    if (!copied.isEmpty()) {
      move.destination().putVariables(move.newName(), copied);
    }
    List<String> logs = new ArrayList<>();
    logs.add(
        counted("Copied", copied.size(), "environment variable", names(copied, Variable::name)));
    if (!generated.isEmpty()) {
      logs.add(
          "Skipped the addon-generated "
              + plural(generated.size(), "variable")
              + " "
              + String.join(", ", generated)
              + ": the destination addons provide their own.");
    }
    return logs;
  }

  @Override
  public List<String> remove(ConfigMove move) {
    Set<String> copied =
        move.copiedNames(c -> c.listVariables(move.app()), v -> !v.generated(), Variable::name);
    List<String> removed = new ArrayList<>();
    for (Variable variable : move.destination().listVariables(move.newName())) {
      if (!variable.generated()
          && (copied == null || copied.contains(variable.name()))
          && move.destination().deleteVariable(move.newName(), variable.name())) {
        removed.add(variable.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "environment variable", removed));
  }
}
