package io.regionmove.workflows;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.DataHandling;
import java.util.Collection;
import java.util.List;

/**
 * Whether live data mode can move a migration's data (SPEC §9), asked by the live data step before
 * it acts and by a dry run with {@code --live}: both refuse with the same sentences. The checks are
 * read-only: they create no publication and no slot.
 */
final class LiveReadiness {

  private LiveReadiness() {}

  /** The addons whose data an engine moves: those live mode must replicate. */
  static List<Addon> moved(List<Addon> addons, Collection<String> manualData) {
    return addons.stream().filter(a -> a.handlingWith(manualData) == DataHandling.ENGINE).toList();
  }

  /** Whether live mode replicates this moved addon; the others are {@link #refusals}. */
  static boolean replicable(Addon addon) {
    return Addon.POSTGRESQL.equals(addon.provider());
  }

  /** One sentence per moved addon that live mode cannot replicate. */
  static List<String> refusals(List<Addon> moved) {
    return moved.stream()
        .filter(a -> !replicable(a))
        .map(
            a ->
                "Addon "
                    + a.provider()
                    + " "
                    + a.id()
                    + " holds data that live mode cannot replicate (PostgreSQL only): run"
                    + " migration-run --data (stop and copy) instead.")
        .toList();
  }

  static String label(Addon addon) {
    return addon.provider() + " addon " + addon.id();
  }

  /**
   * Runs the live checks of one source database as one step line, each check's sentence in its
   * logs; returns the sentences of the checks that failed.
   *
   * @param source the source region's live activities, with the options of the caller's kind
   */
  static List<String> check(
      Progress progress, LiveDataActivities source, AddonInput input, String label) {
    CheckResult result =
        progress.step(
            "Check that " + label + " can be replicated live",
            () -> source.checkLiveSource(input),
            r ->
                r.checks().stream()
                    .map(c -> c.message() != null ? c.message() : "ok: " + c.name())
                    .toList());
    return result.checks().stream().filter(c -> !c.passed()).map(Check::message).toList();
  }
}
