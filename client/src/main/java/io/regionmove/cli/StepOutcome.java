package io.regionmove.cli;

import io.regionmove.model.Addon;
import io.regionmove.model.CnameChange;
import io.regionmove.model.DataHandling;
import io.regionmove.model.Migration;
import io.regionmove.model.Phase;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a step ended with, in the words of SPEC §3 (the fixed lines scripts rely on), the commands
 * that come next, and the step's exit code.
 */
final class StepOutcome {

  private final Console console;

  StepOutcome(Console console) {
    this.console = console;
  }

  /**
   * Prints what a step ended with and what comes next; {@code lag} says a replicating migration's
   * replication lag. Returns the exit code.
   */
  int print(Migration m, Supplier<String> lag) {
    switch (m.status()) {
      case PREFLIGHT_SUCCESS -> {
        console.println("Your app can be migrated to the " + m.destination() + " zone.");
        console.println("To start the migration launch:");
        console.println("  " + NextCommands.run(m, "prepare"));
      }
      case PREPARED -> {
        console.println(
            "Application on region '" + m.destination() + "' has been prepared, you can now:");
        console.println(
            "- Let us migrate your data to '"
                + m.destination()
                + "' newly created databases with:");
        console.println("  " + NextCommands.run(m, "data"));
        console.println("- Handle data migration manually, then finalizing the migration with:");
        console.println("  " + NextCommands.run(m, "finalize"));
      }
      case DATA_MIGRATED -> {
        if (m.addonsMovedByHand().isEmpty()) {
          console.println("Data has been migrated to the '" + m.destination() + "' region");
        } else {
          boolean othersMoved =
              m.addons().stream()
                  .anyMatch(a -> a.handlingWith(m.manualData()) == DataHandling.ENGINE);
          console.println(
              (othersMoved
                      ? "The data of the other addons has been migrated to the '"
                      : "No addon data was moved by regionmove to the '")
                  + m.destination()
                  + "' region; these addons were provisioned empty:");
          printMovedByHand(m);
        }
        console.println("To finalize the migration launch:");
        console.println("  " + NextCommands.run(m, "finalize"));
      }
      case DATA_REPLICATING -> {
        console.println(
            "Data is being replicated to the '"
                + m.destination()
                + "' region; the app keeps running in '"
                + m.source()
                + "'.");
        console.println("Replication lag: " + lag.get());
        console.println("Follow the lag with:");
        console.println("  " + NextCommands.follow(m.source(), m.app(), m.id()));
        console.println("To cut over (the app stops accepting writes for about a second) launch:");
        console.println("  " + NextCommands.run(m, "finalize"));
      }
      case DONE -> {
        console.println("Your application is now available at: " + m.url());
        for (CnameChange cname : m.cnames()) {
          console.println(
              "CNAME record of " + cname.domain() + " should be changed to " + cname.host());
        }
        printMovedByHand(m);
        if (m.phase() == Phase.FINALIZE) {
          console.println("Until the redirect window ends, you can roll back with:");
          console.println("  " + NextCommands.rollback(m));
        }
      }
      case ABORTED -> {
        if (!m.errors().isEmpty()) {
          console.println("Some undo steps failed:");
          m.errors().forEach(e -> console.println("  - " + e));
        }
        console.println("The migration '" + m.id() + "' has been aborted");
        if (m.abortReason() != null) {
          console.println("Reason: " + m.abortReason());
        }
        console.println("You can retry it with:");
        console.println("  " + NextCommands.create(m));
      }
      case ROLLED_BACK -> {
        if (!m.errors().isEmpty()) {
          console.println("Some backups could not be deleted:");
          m.errors().forEach(e -> console.println("  - " + e));
        }
        console.println(rolledBackLine(m));
      }
      case ERROR -> {
        console.println("The migration failed because of the following errors:");
        m.errors().forEach(e -> console.println("  - " + e));
        if (m.failedPhase() == Phase.ROLLBACK) {
          console.println(
              "Fix the cause, then run the rollback again (a rollback cannot be aborted):");
          console.println("  " + NextCommands.rollback(m));
        } else {
          console.println("Fix the cause, then run the step again:");
          console.println("  " + NextCommands.rerun(m));
          console.println("or abort the migration:");
          console.println("  " + NextCommands.abort(m));
        }
      }
      case PREFLIGHT_ERROR -> {
        console.println("The migration cannot go ahead:");
        m.checks().forEach(c -> console.println("  - " + c));
      }
      case CREATED, RUNNING, ABORTING, ROLLING_BACK -> {
        console.println("The migration is " + m.status() + "; follow it with:");
        console.println("  " + NextCommands.follow(m.source(), m.app(), m.id()));
      }
    }
    if (m.scheduled() != null && !m.status().isTerminal()) {
      console.println(
          capitalized(m.scheduled().step().wireName())
              + " is scheduled at "
              + m.scheduled().at()
              + "; the command above runs it now instead.");
    }
    int code = exitCodeOf(m);
    if (code != ExitCodes.OK) {
      console.error(errorSentence(m));
    }
    return code;
  }

  /**
   * After the failed checks of a refused create: the command that creates the migration with the
   * refused addons' data moved by hand.
   */
  void printManualDataHint(Migration m) {
    List<String> refused = m.addonsRefused().stream().map(Addon::id).toList();
    if (refused.isEmpty()) {
      return;
    }
    console.println(
        "To move "
            + (refused.size() == 1 ? "that addon's data" : "those addons' data")
            + " by hand (the destination "
            + (refused.size() == 1 ? "addon is" : "addons are")
            + " provisioned empty), create the migration with:");
    console.println("  " + NextCommands.create(m, refused));
  }

  /** One reminder per addon whose data the user moves by hand (SPEC §8). */
  private void printMovedByHand(Migration m) {
    for (Addon addon : m.addonsMovedByHand()) {
      console.println(
          "Move the data of addon "
              + addon.provider()
              + " "
              + addon.id()
              + " by hand: "
              + (addon.handling() == DataHandling.MANUAL
                  ? "regionmove could not."
                  : "you chose to with --manual-data."));
    }
  }

  /**
   * The line a rollback ends with (README "Rolling back"): {@code The migration '<id>' has been
   * rolled back: <app> runs again in '<source>' at <url>}.
   */
  static String rolledBackLine(Migration m) {
    return "The migration '"
        + m.id()
        + "' has been rolled back: "
        + m.app()
        + " runs again in '"
        + m.source()
        + "' at "
        + m.url();
  }

  static int exitCodeOf(Migration m) {
    return switch (m.status()) {
      case PREFLIGHT_SUCCESS, PREPARED, DATA_MIGRATED, DATA_REPLICATING, DONE, ROLLED_BACK ->
          ExitCodes.OK;
      case ABORTED -> m.errors().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
      default -> ExitCodes.FAILED;
    };
  }

  private static String errorSentence(Migration m) {
    return switch (m.status()) {
      case ERROR ->
          "The "
              + (m.failedPhase() == null ? "last" : m.failedPhase().wireName())
              + " step of migration "
              + m.id()
              + " failed: "
              + stripDot(m.errors().isEmpty() ? "see the step lines above" : m.errors().get(0))
              + ".";
      case ABORTED ->
          "Migration " + m.id() + " was aborted, but some undo steps failed; see the lines above.";
      case PREFLIGHT_ERROR -> "Migration " + m.id() + " did not pass its preflight checks.";
      default -> "Migration " + m.id() + " is " + m.status() + ".";
    };
  }

  static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
