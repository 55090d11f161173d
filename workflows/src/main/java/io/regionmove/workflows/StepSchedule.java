package io.regionmove.workflows;

import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.model.StepStatus;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The step scheduled to run later (SPEC §10 {@code migration-run --at}): at most one at a time, a
 * durable timer Temporal Web shows ("scheduled finalize at …"), and a progress line ("Waiting until
 * … to run finalize") that ends when the step starts, is dropped, replaced, run at once or
 * cancelled by abort. The workflow decides what to do when the time comes; this class keeps the
 * state and the timer.
 */
final class StepSchedule {

  private final Progress progress;
  private ScheduledStep pending;
  private CancellationScope timerScope;
  private Promise<Void> timer;
  private int line = -1;

  StepSchedule(Progress progress) {
    this.progress = progress;
  }

  boolean isPending() {
    return pending != null;
  }

  ScheduledStep pending() {
    return pending;
  }

  /** Whether the pending step's time has come. */
  boolean isDue() {
    return pending != null && timer.isCompleted() && timer.getFailure() == null;
  }

  /** Why {@code asked} cannot be scheduled for its time, or null; the gate's rules come after. */
  static String timeRefusal(ScheduledStep asked) {
    if (asked == null || asked.step() == null || asked.at() == null) {
      return "a schedule needs a step (data or finalize) and a time";
    }
    if (!ScheduledStep.schedulable(asked.step())) {
      return "only data and finalize can be scheduled, not " + asked.step();
    }
    String cannot = "cannot schedule " + asked.step() + " at " + asked.at() + ": ";
    if (!asked.at().isAfter(Progress.now())) {
      return cannot + "that time is in the past";
    }
    // A minute of slack for the time the request took to arrive.
    if (asked.at().isAfter(Progress.now().plus(ScheduledStep.MAX_AHEAD).plusSeconds(60))) {
      return cannot + "that is more than " + Wording.describe(ScheduledStep.MAX_AHEAD) + " ahead";
    }
    return null;
  }

  /** Schedules the step, replacing the one pending, and starts its timer. */
  void schedule(ScheduledStep asked) {
    if (pending != null) {
      end(StepStatus.DONE, "replaced: " + asked.step() + " is now scheduled at " + asked.at());
    }
    pending = asked;
    Duration delay = Duration.between(Progress.now(), asked.at());
    TimerOptions options =
        TimerOptions.newBuilder()
            .setSummary("scheduled " + asked.step() + " at " + asked.at())
            .build();
    timerScope =
        Workflow.newCancellationScope(
            () -> timer = Workflow.newTimer(delay.isNegative() ? Duration.ZERO : delay, options));
    timerScope.run();
    line =
        progress.addLine(asked.step(), "Waiting until " + asked.at() + " to run " + asked.step());
    progress.scheduled(pending);
  }

  /** The due step starts: its line ends and the schedule is empty. */
  Phase start() {
    Phase step = pending.step();
    end(StepStatus.DONE, step + " started at " + Progress.now());
    return step;
  }

  /** The due step may not run now: it is dropped, with the gate's reason on its line. */
  void drop(String refusal) {
    end(StepStatus.ERROR, "dropped at " + Progress.now() + ": " + refusal);
  }

  /** Running {@code asked} now replaces its schedule. */
  void runningNow(Phase asked) {
    if (pending != null && pending.step() == asked) {
      end(StepStatus.DONE, "cancelled: " + asked + " was run at once");
    }
  }

  /** Cancels the pending step, if any (abort, or the migration ended another way). */
  void cancel(StepStatus shown, String why) {
    if (pending != null) {
      end(shown, why);
    }
  }

  private void end(StepStatus status, String log) {
    if (!timer.isCompleted()) {
      timerScope.cancel("the scheduled step " + log);
    }
    progress.endLine(line, status, log);
    pending = null;
    timerScope = null;
    line = -1;
    progress.scheduled(null);
  }
}
