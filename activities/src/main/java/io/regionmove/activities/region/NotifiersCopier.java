package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;
import static io.regionmove.activities.region.Wording.listed;
import static io.regionmove.activities.region.Wording.names;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.Notifier;
import io.regionmove.regionapi.RegionClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Notifiers; their URLs may hold a webhook secret, so only their names are logged. */
final class NotifiersCopier implements ConfigCopier {

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    List<String> names = names(source.listNotifiers(app), Notifier::name);
    return new ConfigPlan(
        ConfigKind.NOTIFIERS, names, List.of(), listed(names.size(), "notifier", names));
  }

  @Override
  public List<String> copy(ConfigMove move) {
    List<Notifier> notifiers = move.source().listNotifiers(move.app());
    for (Notifier notifier : notifiers) {
      move.destination().addNotifier(move.newName(), notifier);
    }
    return List.of(
        counted("Copied", notifiers.size(), "notifier", names(notifiers, Notifier::name)));
  }

  @Override
  public List<String> remove(ConfigMove move) {
    Set<String> copied =
        move.copiedNames(c -> c.listNotifiers(move.app()), n -> true, Notifier::name);
    List<String> removed = new ArrayList<>();
    for (Notifier notifier : move.destination().listNotifiers(move.newName())) {
      if ((copied == null || copied.contains(notifier.name()))
          && move.destination().removeNotifier(move.newName(), notifier.id())) {
        removed.add(notifier.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "notifier", removed));
  }
}
