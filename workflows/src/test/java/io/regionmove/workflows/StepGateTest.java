package io.regionmove.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which step may run in which state, and the exact sentence that refuses it: no Temporal. */
class StepGateTest {

  /** Every state a migration can be in, reached through the transitions the workflow makes. */
  private static final Map<String, Consumer<StepGate>> STATES = new LinkedHashMap<>();

  static {
    STATES.put("created", gate -> {});
    STATES.put("preflight-running", gate -> gate.start(Phase.PREFLIGHT));
    STATES.put("preflight-success", StepGateTest::preflightPassed);
    STATES.put(
        "preflight-error",
        gate -> {
          gate.start(Phase.PREFLIGHT);
          gate.succeed(MigrationStatus.PREFLIGHT_ERROR);
        });
    STATES.put(
        "prepare-queued",
        gate -> {
          preflightPassed(gate);
          gate.accept(Phase.PREPARE);
        });
    STATES.put("prepare-running", gate -> running(gate, Phase.PREPARE));
    STATES.put("prepared", StepGateTest::prepared);
    STATES.put("data-running", gate -> running(gate, Phase.DATA));
    STATES.put(
        "data-migrated",
        gate -> {
          running(gate, Phase.DATA);
          gate.succeed(MigrationStatus.DATA_MIGRATED);
        });
    STATES.put(
        "data-replicating",
        gate -> {
          running(gate, Phase.DATA);
          gate.succeed(MigrationStatus.DATA_REPLICATING);
        });
    STATES.put("finalize-running", gate -> running(gate, Phase.FINALIZE));
    STATES.put(
        "done",
        gate -> {
          running(gate, Phase.FINALIZE);
          gate.succeed(MigrationStatus.DONE);
        });
    STATES.put("prepare-failed", gate -> failed(gate, Phase.PREPARE));
    STATES.put("data-failed", gate -> failed(gate, Phase.DATA));
    STATES.put("finalize-failed", gate -> failed(gate, Phase.FINALIZE));
    STATES.put(
        "abort-asked",
        gate -> {
          prepared(gate);
          gate.requestAbort();
        });
    STATES.put(
        "aborting",
        gate -> {
          prepared(gate);
          gate.requestAbort();
          gate.startAborting();
        });
    STATES.put(
        "aborted",
        gate -> {
          prepared(gate);
          gate.requestAbort();
          gate.startAborting();
          gate.end(MigrationStatus.ABORTED);
        });
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          created           | prepare  | cannot run prepare: the preflight step is still running; wait for it to end
          created           | data     | cannot run data: the preflight step is still running; wait for it to end
          created           | finalize | cannot run finalize: the preflight step is still running; wait for it to end
          created           | abort    | allowed
          preflight-running | prepare  | cannot run prepare: the preflight step is still running; wait for it to end
          preflight-running | data     | cannot run data: the preflight step is still running; wait for it to end
          preflight-running | finalize | cannot run finalize: the preflight step is still running; wait for it to end
          preflight-running | abort    | allowed
          preflight-success | prepare  | allowed
          preflight-success | data     | cannot run data: the migration is preflight-success; run prepare first
          preflight-success | finalize | cannot run finalize: the migration is preflight-success; run prepare first
          preflight-success | abort    | allowed
          preflight-error   | prepare  | cannot run prepare: the migration is preflight-error
          preflight-error   | data     | cannot run data: the migration is preflight-error
          preflight-error   | finalize | cannot run finalize: the migration is preflight-error
          preflight-error   | abort    | cannot abort: the migration is preflight-error
          prepare-queued    | prepare  | cannot run prepare: the prepare step is still running; wait for it to end
          prepare-queued    | data     | cannot run data: the prepare step is still running; wait for it to end
          prepare-queued    | finalize | cannot run finalize: the prepare step is still running; wait for it to end
          prepare-queued    | abort    | allowed
          prepare-running   | prepare  | cannot run prepare: the prepare step is still running; wait for it to end
          prepare-running   | data     | cannot run data: the prepare step is still running; wait for it to end
          prepare-running   | finalize | cannot run finalize: the prepare step is still running; wait for it to end
          prepare-running   | abort    | allowed
          prepared          | prepare  | cannot run prepare: the migration is prepared
          prepared          | data     | allowed
          prepared          | finalize | allowed
          prepared          | abort    | allowed
          data-running      | prepare  | cannot run prepare: the data step is still running; wait for it to end
          data-running      | data     | cannot run data: the data step is still running; wait for it to end
          data-running      | finalize | cannot run finalize: the data step is still running; wait for it to end
          data-running      | abort    | allowed
          data-migrated     | prepare  | cannot run prepare: the migration is data-migrated; run finalize next
          data-migrated     | data     | cannot run data: the migration is data-migrated; run finalize next
          data-migrated     | finalize | allowed
          data-migrated     | abort    | allowed
          data-replicating  | prepare  | cannot run prepare: the migration is data-replicating; run finalize to cut over, or abort
          data-replicating  | data     | cannot run data: the migration is data-replicating; run finalize to cut over, or abort
          data-replicating  | finalize | allowed
          data-replicating  | abort    | allowed
          finalize-running  | prepare  | cannot run prepare: the finalize step is still running; wait for it to end
          finalize-running  | data     | cannot run data: the finalize step is still running; wait for it to end
          finalize-running  | finalize | cannot run finalize: the finalize step is still running; wait for it to end
          finalize-running  | abort    | allowed
          done              | prepare  | cannot run prepare: the migration is done
          done              | data     | cannot run data: the migration is done
          done              | finalize | cannot run finalize: the migration is done
          done              | abort    | cannot abort: the migration is done
          prepare-failed    | prepare  | allowed
          prepare-failed    | data     | cannot run data: the prepare step failed; run prepare again or abort
          prepare-failed    | finalize | cannot run finalize: the prepare step failed; run prepare again or abort
          prepare-failed    | abort    | allowed
          data-failed       | prepare  | cannot run prepare: the data step failed; run data again or abort
          data-failed       | data     | allowed
          data-failed       | finalize | cannot run finalize: the data step failed; run data again or abort
          data-failed       | abort    | allowed
          finalize-failed   | prepare  | cannot run prepare: the finalize step failed; run finalize again or abort
          finalize-failed   | data     | cannot run data: the finalize step failed; run finalize again or abort
          finalize-failed   | finalize | allowed
          finalize-failed   | abort    | allowed
          abort-asked       | prepare  | cannot run prepare: the migration is aborting
          abort-asked       | data     | cannot run data: the migration is aborting
          abort-asked       | finalize | cannot run finalize: the migration is aborting
          abort-asked       | abort    | allowed
          aborting          | prepare  | cannot run prepare: the migration is aborting
          aborting          | data     | cannot run data: the migration is aborting
          aborting          | finalize | cannot run finalize: the migration is aborting
          aborting          | abort    | allowed
          aborted           | prepare  | cannot run prepare: the migration is aborted
          aborted           | data     | cannot run data: the migration is aborted
          aborted           | finalize | cannot run finalize: the migration is aborted
          aborted           | abort    | cannot abort: the migration is aborted
          """)
  void refusesEveryStepThatCannotRunInItsStateWithOneSentence(
      String state, String step, String expected) {
    StepGate gate = gate(state);

    String refusal = gate.refusal(Phase.fromWireName(step));

    assertEquals("allowed".equals(expected) ? null : expected, refusal);
  }

  @Test
  void theStatesAboveCoverEveryStatusAndEveryStepFailing() {
    Set<MigrationStatus> reached = EnumSet.noneOf(MigrationStatus.class);
    Set<Phase> failed = EnumSet.noneOf(Phase.class);
    for (String state : STATES.keySet()) {
      StepGate gate = gate(state);
      reached.add(gate.status());
      if (gate.failedPhase() != null) {
        failed.add(gate.failedPhase());
      }
    }

    assertEquals(EnumSet.allOf(MigrationStatus.class), reached);
    assertEquals(EnumSet.of(Phase.PREPARE, Phase.DATA, Phase.FINALIZE), failed);
  }

  @Test
  void aStepIsAnsweredWhenItsPhaseEndsAndNotBefore() {
    StepGate gate = gate("preflight-success");

    int ticket = gate.accept(Phase.PREPARE);
    assertTrue(gate.hasRequest());
    assertEquals(Phase.PREPARE, gate.takeRequest());
    assertFalse(gate.hasRequest());
    gate.start(Phase.PREPARE);
    assertFalse(gate.isAnswered(ticket));

    gate.succeed(MigrationStatus.PREPARED);
    gate.answerAll();

    assertTrue(gate.isAnswered(ticket));
    assertFalse(gate.isAnswered(gate.accept(Phase.DATA)), "a later step waits for its own phase");
  }

  @Test
  void aStepStoppedByAbortIsAnsweredOnlyOnceTheAbortHasEnded() {
    StepGate gate = gate("prepared");
    int ticket = gate.accept(Phase.DATA);
    gate.start(gate.takeRequest());

    assertTrue(gate.requestAbort());
    assertFalse(gate.requestAbort(), "asked again: the same abort");
    gate.answerAll();
    assertFalse(gate.isAnswered(ticket), "the phase ended, the abort has not");

    gate.startAborting();
    assertEquals(Phase.ABORT, gate.phase());
    gate.end(MigrationStatus.ABORTED);
    gate.answerAll();

    assertTrue(gate.isAnswered(ticket));
  }

  @Test
  void aFailedStepRunAgainClearsTheFailureButAnAbortKeepsIt() {
    StepGate rerun = gate("data-failed");
    rerun.start(Phase.DATA);
    rerun.succeed(MigrationStatus.DATA_MIGRATED);
    assertNull(rerun.failedPhase());

    StepGate aborted = gate("data-failed");
    aborted.requestAbort();
    aborted.startAborting();
    aborted.end(MigrationStatus.ABORTED);
    assertEquals(Phase.DATA, aborted.failedPhase(), "the migration shows which step failed");
  }

  @Test
  void onlyUserStepsAreQueuedAndOnlyTerminalStatusesEndTheMigration() {
    StepGate gate = gate("preflight-success");

    assertThrows(IllegalArgumentException.class, () -> gate.accept(Phase.ABORT));
    assertThrows(IllegalArgumentException.class, () -> gate.accept(Phase.PREFLIGHT));
    assertThrows(IllegalArgumentException.class, () -> gate.end(MigrationStatus.PREPARED));
  }

  private static StepGate gate(String state) {
    Consumer<StepGate> reach = STATES.get(state);
    if (reach == null) {
      throw new IllegalArgumentException("no such state in the table: " + state);
    }
    StepGate gate = new StepGate();
    reach.accept(gate);
    return gate;
  }

  private static void preflightPassed(StepGate gate) {
    gate.start(Phase.PREFLIGHT);
    gate.succeed(MigrationStatus.PREFLIGHT_SUCCESS);
  }

  private static void prepared(StepGate gate) {
    running(gate, Phase.PREPARE);
    gate.succeed(MigrationStatus.PREPARED);
  }

  /** The step was asked for and the workflow took it: its phase runs. */
  private static void running(StepGate gate, Phase phase) {
    if (phase == Phase.PREPARE) {
      preflightPassed(gate);
    } else {
      prepared(gate);
    }
    gate.accept(phase);
    gate.start(gate.takeRequest());
  }

  private static void failed(StepGate gate, Phase phase) {
    running(gate, phase);
    gate.fail(phase);
  }
}
