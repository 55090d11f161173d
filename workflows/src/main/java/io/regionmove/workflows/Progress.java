package io.regionmove.workflows;

import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.CnameChange;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
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
 * What a migration shows (SPEC §1 "migration"): its status as the search attributes and Temporal
 * Web's current details, one progress line per activity call in the phase the gate is in, the
 * errors of the phase that failed or of the undo actions that did, and the outcome.
 */
final class Progress {

  private final MigrationRequest request;
  private final StepGate gate;
  private final Notifier notifier;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> checks = new ArrayList<>();
  private final List<CnameChange> cnames = new ArrayList<>();
  private List<Addon> addons = List.of();
  private final Instant startedAt;
  private Instant finishedAt;
  private String url;
  private String abortReason;
  private ScheduledStep scheduled;

  Progress(MigrationRequest request, StepGate gate, Notifier notifier) {
    this.request = request;
    this.gate = gate;
    this.notifier = notifier;
    this.startedAt = now();
  }

  /** The errors shown for the running phase, or for the undo actions while aborting. */
  List<String> errors() {
    return errors;
  }

  /** The preflight checks that failed, as the sentences the user reads. */
  List<String> checks() {
    return checks;
  }

  /** Adds the sentence of each check that failed to the failed preflight checks. */
  void addFailedChecks(List<Check> results) {
    results.stream().filter(c -> !c.passed()).map(Check::message).forEach(checks::add);
  }

  /** Per custom domain, the CNAME change to make once finalized. */
  List<CnameChange> cnames() {
    return cnames;
  }

  /** The source app's addons, with how their data moves, as preflight read them. */
  void addons(List<Addon> read) {
    addons = List.copyOf(read);
  }

  void url(String newUrl) {
    url = newUrl;
  }

  String abortReason() {
    return abortReason;
  }

  void abortReason(String why) {
    abortReason = why;
  }

  /** The step waiting for its time, or null; shown in the status and Temporal Web's details. */
  void scheduled(ScheduledStep step) {
    scheduled = step;
    showDetails();
  }

  void finished() {
    finishedAt = now();
  }

  /** The migration object the status query and every update return. */
  Migration snapshot() {
    return new Migration(
        request.migrationId(),
        request.app(),
        request.newName(),
        request.source(),
        request.destination(),
        gate.status(),
        gate.phase(),
        gate.failedPhase(),
        steps,
        errors,
        checks,
        url,
        cnames,
        abortReason,
        startedAt,
        finishedAt,
        scheduled,
        addons,
        request.manualData());
  }

  /**
   * Shows the gate's status in the search attributes and in Temporal Web's current details, and
   * tells the webhooks when it changed.
   */
  void publishStatus() {
    MigrationStatus status = gate.status();
    Workflow.upsertTypedSearchAttributes(
        MigrationSearchAttributes.APP.valueSet(request.app()),
        MigrationSearchAttributes.SOURCE.valueSet(request.source()),
        MigrationSearchAttributes.DESTINATION.valueSet(request.destination()),
        MigrationSearchAttributes.STATUS.valueSet(status.wireName()));
    showDetails();
    notifier.statusChanged(status, gate.phase());
  }

  private void showDetails() {
    Workflow.setCurrentDetails(
        "**%s** — %s: %s → %s%s"
            .formatted(
                gate.status().wireName(),
                request.app(),
                request.source(),
                request.destination(),
                scheduled == null
                    ? ""
                    : "; " + scheduled.step() + " scheduled at " + scheduled.at()));
  }

  /** Adds a running line of {@code phase} that is not an activity call; returns its index. */
  int addLine(Phase phase, String name) {
    int index = steps.size();
    steps.add(new Step(index + 1, phase, name, StepStatus.RUNNING, List.of(), now(), null));
    return index;
  }

  /** Ends a line added by {@link #addLine}. */
  void endLine(int index, StepStatus status, String log) {
    Step step = steps.get(index);
    steps.set(
        index,
        new Step(
            step.id(), step.phase(), step.name(), status, List.of(log), step.startedAt(), now()));
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
