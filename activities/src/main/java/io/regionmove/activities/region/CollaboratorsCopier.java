package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;
import static io.regionmove.activities.region.Wording.listed;
import static io.regionmove.activities.region.Wording.plural;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.Collaborator;
import io.regionmove.regionapi.RegionClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Accepted collaborators; pending ones are listed as skipped (their invitation stays behind). */
final class CollaboratorsCopier implements ConfigCopier {

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    List<Collaborator> all = source.listCollaborators(app);
    List<String> accepted =
        all.stream().filter(Collaborator::accepted).map(Collaborator::email).toList();
    List<String> pending =
        all.stream().filter(c -> !c.accepted()).map(Collaborator::email).toList();
    String summary = listed(accepted.size(), "accepted collaborator", accepted);
    if (!pending.isEmpty()) {
      summary +=
          "; skipped: "
              + plural(pending.size(), "pending collaborator")
              + " (invite them again in the destination): "
              + String.join(", ", pending);
    }
    return new ConfigPlan(ConfigKind.COLLABORATORS, accepted, pending, summary);
  }

  @Override
  public List<String> copy(ConfigMove move) {
    List<Collaborator> all = move.source().listCollaborators(move.app());
    Set<String> present =
        move.destination().listCollaborators(move.newName()).stream()
            .map(Collaborator::email)
            .collect(Collectors.toSet());
    List<String> copied = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (Collaborator collaborator : all) {
      if (!collaborator.accepted()) {
        pending.add(collaborator.email());
        continue;
      }
      if (!present.contains(collaborator.email())) {
        move.destination()
            .addCollaborator(
                move.newName(), new Collaborator(collaborator.email(), Collaborator.ACCEPTED));
      }
      copied.add(collaborator.email());
    }
    List<String> logs = new ArrayList<>();
    logs.add(counted("Copied", copied.size(), "accepted collaborator", copied));
    if (!pending.isEmpty()) {
      logs.add(
          "Skipped "
              + plural(pending.size(), "pending collaborator")
              + " (invite them again in the destination): "
              + String.join(", ", pending)
              + ".");
    }
    return logs;
  }

  @Override
  public List<String> remove(ConfigMove move) {
    Set<String> copied =
        move.copiedNames(
            c -> c.listCollaborators(move.app()), Collaborator::accepted, Collaborator::email);
    List<String> removed = new ArrayList<>();
    for (Collaborator collaborator : move.destination().listCollaborators(move.newName())) {
      if ((copied == null || copied.contains(collaborator.email()))
          && move.destination().removeCollaborator(move.newName(), collaborator.email())) {
        removed.add(collaborator.email());
      }
    }
    return List.of(counted("Removed", removed.size(), "collaborator", removed));
  }
}
