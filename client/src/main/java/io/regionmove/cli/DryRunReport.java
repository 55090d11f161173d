package io.regionmove.cli;

import io.regionmove.model.Addon;
import io.regionmove.model.AddonPlan;
import io.regionmove.model.ConfigPlan;
import io.regionmove.model.DataHandling;
import io.regionmove.model.Migration;
import io.regionmove.model.MovePlan;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a dry run words its plan (SPEC §10): what prepare copies, then each addon and the data step.
 */
final class DryRunReport {

  static final String NOTHING_CREATED = "Dry run: nothing was created.";

  private final Console console;

  DryRunReport(Console console) {
    this.console = console;
  }

  /** The plan; {@code live} when the data step would run in live data mode (SPEC §9). */
  void printPlan(Migration preflight, MovePlan plan, boolean live) {
    console.println(
        "Prepare will copy to app " + preflight.newName() + " in " + preflight.destination() + ":");
    for (ConfigPlan config : plan.config()) {
      console.println("  - " + config.summary());
    }
    if (plan.addons().isEmpty()) {
      console.println("The data step has no addon to move.");
      return;
    }
    console.println("The data step will provision each addon in " + preflight.destination() + ":");
    for (AddonPlan addon : plan.addons()) {
      console.println("  - " + describe(addon, preflight.manualData()));
    }
    console.println(estimate(plan, live));
  }

  /** One addon's line; {@code manualData} are the addons the user moves by hand. */
  static String describe(AddonPlan plan, List<String> manualData) {
    Addon addon = plan.addon();
    String what =
        addon.provider()
            + " "
            + addon.id()
            + " ("
            + addon.plan()
            + ", version "
            + addon.version()
            + "): ";
    String size = plan.sizeBytes() >= 0 ? size(plan.sizeBytes()) + ", " : "";
    return what
        + switch (plan.handling()) {
          case NONE -> "holds no data, provisioned only";
          case ENGINE ->
              size
                  + "moved by regionmove (backup, restore, verify)"
                  + (plan.copyTime() == null
                      ? ", size unknown"
                      : ", about " + duration(plan.copyTime()));
          case MANUAL ->
              addon.handling() != DataHandling.MANUAL
                  ? size + "provisioned empty: you chose to move its data by hand (--manual-data)"
                  : manualData.contains(addon.id())
                      ? "holds data that regionmove cannot move, provisioned empty: you move its"
                          + " data by hand (--manual-data)"
                      : "holds data that regionmove cannot move: refused unless you move its data"
                          + " by hand (--manual-data "
                          + addon.id()
                          + ")";
        };
  }

  /** The data step's estimated duration, and what it rests on. */
  static String estimate(MovePlan plan) {
    return estimate(plan, false);
  }

  /**
   * The data step's estimated duration; in live data mode, the initial copy's, the app running
   * meanwhile and until the cutover.
   */
  static String estimate(MovePlan plan, boolean live) {
    List<AddonPlan> moved =
        plan.addons().stream().filter(a -> a.handling() == DataHandling.ENGINE).toList();
    if (moved.isEmpty()) {
      return "Estimated data step: no data for regionmove to copy.";
    }
    long bytes =
        moved.stream().filter(a -> a.sizeBytes() >= 0).mapToLong(AddonPlan::sizeBytes).sum();
    long unknown = moved.stream().filter(a -> a.copyTime() == null).count();
    return "Estimated data step: about "
        + duration(plan.estimatedDataStep())
        + " ("
        + size(bytes)
        + " at "
        + duration(plan.perGigabyte())
        + (live
            ? " per GB, the source app running meanwhile and replicated until you finalize"
            : " per GB, the source app stopped meanwhile")
        + (unknown == 0
            ? ""
            : "; the size of "
                + unknown
                + (unknown == 1 ? " addon is" : " addons are")
                + " unknown and not counted")
        + ").";
  }

  /** In 1024 steps, as PostgreSQL prints sizes: 812 bytes, 7.9 MB, 1.2 GB. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** 1 s, 45 s, 3 min 20 s, 2 h 5 min. */
  static String duration(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
    long minutes = (seconds % 3600) / 60;
    return seconds / 3600 + " h" + (minutes == 0 ? "" : " " + minutes + " min");
  }
}
