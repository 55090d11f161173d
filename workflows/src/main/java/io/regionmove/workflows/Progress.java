package io.regionmove.workflows;

import io.regionmove.activities.StepResult;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The progress lines a migration shows (SPEC §1 "step"): one per activity call, in the phase the
 * gate is in, and the errors of the phase that failed or of the undo actions that did.
 */
final class Progress {

  private final StepGate gate;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();

  Progress(StepGate gate) {
    this.gate = gate;
  }

  List<Step> steps() {
    return steps;
  }

  List<String> errors() {
    return errors;
  }

  StepResult step(String name, Supplier<StepResult> action) {
    return step(name, action, StepResult::logs);
  }

  /** Runs one activity call as one progress line, with the logs its result reports. */
  <R> R step(String name, Supplier<R> action, Function<R, List<String>> logsOf) {
    int index = steps.size();
    Instant started = now();
    steps.add(line(index, name, StepStatus.RUNNING, List.of(), started, null));
    try {
      R result = action.get();
      List<String> logs = result == null ? List.of() : logsOf.apply(result);
      steps.set(index, line(index, name, StepStatus.DONE, logs, started, now()));
      return result;
    } catch (ActivityFailure e) {
      // A step cancelled without an abort was stopped because another one failed (a restore
      // following a failed backup): that other failure is the error to report.
      boolean cancelled = e.getCause() instanceof CanceledFailure;
      boolean aborting = gate.abortRequested();
      String message =
          cancelled ? (aborting ? "stopped by abort" : "stopped") : Wording.describe(e);
      steps.set(index, line(index, name, StepStatus.ERROR, List.of(message), started, now()));
      if (!aborting && !cancelled) {
        errors.add(name + ": " + message);
      }
      throw e;
    } catch (CanceledFailure e) {
      steps.set(
          index, line(index, name, StepStatus.ERROR, List.of("stopped by abort"), started, now()));
      throw e;
    }
  }

  private Step line(
      int index,
      String name,
      StepStatus status,
      List<String> logs,
      Instant started,
      Instant finished) {
    return new Step(index + 1, gate.phase(), name, status, logs, started, finished);
  }

  static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
