package io.regionmove.workflows;

import io.regionmove.model.Check;
import io.regionmove.model.Formation;
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

  /** One log line per check: "ok: NAME" or "failed: MESSAGE". */
  static List<String> describe(List<Check> checks) {
    return checks.stream()
        .map(c -> c.passed() ? "ok: " + c.name() : "failed: " + c.message())
        .toList();
  }
}
