package io.regionmove.activities.region;

import static io.regionmove.activities.region.Wording.counted;
import static io.regionmove.activities.region.Wording.describeContainers;
import static io.regionmove.activities.region.Wording.plural;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process types with their sizes, at 0 containers: the destination accepts them now (a size it
 * does not offer fails here, not at finalize) but is not started; {@code startApp} applies the
 * amounts at finalize.
 */
final class FormationCopier implements ConfigCopier {

  private static final Logger log = LoggerFactory.getLogger(FormationCopier.class);

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    List<Container> containers = source.listContainers(app);
    List<String> processes =
        containers.stream().map(c -> c.name() + ":" + c.amount() + ":" + c.size()).toList();
    return new ConfigPlan(
        ConfigKind.FORMATION,
        processes,
        List.of(),
        containers.isEmpty()
            ? "no process types"
            : "formation " + describeContainers(containers) + ", not started before finalize");
  }

  @Override
  public List<String> copy(ConfigMove move) {
    List<Container> containers = move.source().listContainers(move.app());
    if (containers.isEmpty()) {
      return List.of("App " + move.app() + " has no process types; nothing to copy.");
    }
    move.destination()
        .scale(
            move.newName(),
            containers.stream().map(c -> new Container(c.name(), 0, c.size())).toList());
    return List.of(
        "Copied the process types "
            + describeContainers(containers)
            + " at 0 containers; the amounts apply when the app starts at finalize.");
  }

  /**
   * Removes the process types the copy added: those of the source formation, which the copy put at
   * 0 containers in the destination (all of them when the source app is gone: the destination app
   * is this migration's, so every process type in it came from the copy). A process type that runs
   * containers is never removed: it is left as it is, and the logs say so. Absent process types
   * (the copy never happened, or this undo already ran) are fine.
   */
  @Override
  public List<String> remove(ConfigMove move) {
    Set<String> copied =
        move.copiedNames(c -> c.listContainers(move.app()), c -> true, Container::name);
    List<String> removed = new ArrayList<>();
    List<String> running = new ArrayList<>();
    for (Container container : move.destination().listContainers(move.newName())) {
      if (copied != null && !copied.contains(container.name())) {
        continue;
      }
      if (container.amount() != 0) {
        running.add(container.name());
        continue;
      }
      try {
        if (move.destination().removeProcessType(move.newName(), container.name())) {
          removed.add(container.name());
        }
      } catch (RegionApiException e) {
        if (e.status() != 409) {
          throw e;
        }
        running.add(container.name()); // started since it was listed
      }
    }
    List<String> logs = new ArrayList<>();
    logs.add(counted("Removed", removed.size(), "process type", removed));
    if (!running.isEmpty()) {
      log.warn(
          "left process types {} of {} in {}: they run containers",
          running,
          move.newName(),
          move.move().destination());
      logs.add(
          "Left "
              + plural(running.size(), "process type")
              + " of app "
              + move.newName()
              + " in place because "
              + (running.size() == 1 ? "it runs" : "they run")
              + " containers (only a process type at 0 containers is removed; stop the app first): "
              + String.join(", ", running)
              + ".");
    }
    return logs;
  }
}
