package io.regionmove.workflows;

import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.Formation;
import io.regionmove.model.MigrationRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.List;

/** How the migration words what a person reads: failures, durations, formations, checks. */
final class Wording {

  private Wording() {}

  /** The sentence a person reads for a failed activity: the activity's own message first. */
  static String describe(TemporalFailure e) {
    Throwable cause = e;
    while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) {
      if (cause.getCause() == null) {
        break;
      }
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      String last =
          timeout.getCause() instanceof ApplicationFailure app
              ? ": last error: " + app.getOriginalMessage()
              : "";
      return "timed out ("
          + timeout
              .getTimeoutType()
              .name()
              .toLowerCase()
              .replace("timeout_type_", "")
              .replace('_', '-')
          + ")"
          + last;
    }
    if (cause instanceof CanceledFailure) {
      return "cancelled";
    }
    return cause.getMessage();
  }

  /** {@code web:2:M, worker:1:S}, or "no processes". */
  static String describe(Formation formation) {
    if (formation == null || formation.processes().isEmpty()) {
      return "no processes";
    }
    return String.join(
        ", ",
        formation.processes().stream()
            .map(p -> p.name() + ":" + p.amount() + ":" + p.size())
            .toList());
  }

  /** In the largest whole unit: "7 days", "90 minutes", "45 seconds". */
  static String describe(Duration duration) {
    if (duration.toDays() > 0 && duration.toHours() % 24 == 0) {
      return duration.toDays() + " days";
    }
    if (duration.toMinutes() > 0 && duration.getSeconds() % 60 == 0) {
      return duration.toMinutes() + " minutes";
    }
    return duration.getSeconds() + " seconds";
  }

  /** The failed check of an addon that holds data no engine moves (SPEC §8). */
  static String cannotMove(Addon addon) {
    return "Addon %s %s holds data that regionmove cannot move."
        .formatted(addon.provider(), addon.id());
  }

  /** The failed check of a --manual-data id that names none of the app's addons. */
  static String notAnAddon(String id, String app) {
    return "Addon %s given to --manual-data is not an addon of app %s.".formatted(id, app);
  }

  /**
   * One sentence per check, as a person reads it under the step line: what a passed check found
   * ("App my-app exists in region agora-fr1."), or why a failed one failed (its own message). Only
   * the step logs change with this wording; the check names stay what the activities return.
   */
  static List<String> describe(List<Check> checks, MigrationRequest request) {
    return checks.stream()
        .map(c -> c.passed() ? passed(c, request) : sentence(c.message()))
        .toList();
  }

  private static String passed(Check check, MigrationRequest request) {
    if (check.message() != null && !check.message().isBlank()) {
      return sentence(check.message());
    }
    String app = request.app();
    String newName = request.newName() == null ? app : request.newName();
    return switch (check.name()) {
      case "app-exists" -> "App " + app + " exists in region " + request.source() + ".";
      case "app-status" -> "It is running or stopped, so it can be moved.";
      case "not-migrating" -> "No other migration is moving it.";
      case "tls-certificates" -> "None of its TLS certificates has expired.";
      case "destination-region" ->
          "Region " + request.destination() + " is configured and is not the source region.";
      case "destination-name" ->
          "The name " + newName + " is free in region " + request.destination() + ".";
      case "addons-offered" ->
          "Region " + request.destination() + " offers the plan and version of every addon.";
      default -> "Check " + check.name() + " passed.";
    };
  }

  private static String sentence(String message) {
    if (message == null || message.isBlank()) {
      return "A check failed without saying why.";
    }
    return message.endsWith(".") ? message : message + ".";
  }
}
