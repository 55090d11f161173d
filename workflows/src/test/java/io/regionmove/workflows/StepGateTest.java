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
    STATES.put("data-replicating", StepGateTest::replicating);
    STATES.put(
        "cutover-running",
        gate -> {
          replicating(gate);
          gate.accept(Phase.FINALIZE);
          gate.start(gate.takeRequest());
        });
    STATES.put(
        "cutover-failed",
        gate -> {
          replicating(gate);
          gate.accept(Phase.FINALIZE);
          gate.start(gate.takeRequest());
          gate.fail(Phase.FINALIZE);
        });
    STATES.put(
        "replicating-abort-asked",
        gate -> {
          replicating(gate);
          gate.requestAbort();
        });
    STATES.put("finalize-running", gate -> running(gate, Phase.FINALIZE));
    STATES.put("done", StepGateTest::done);
    STATES.put(
        "done-cleanup",
        gate -> {
          done(gate);
          gate.startCleanup();
        });
    STATES.put(
        "rollback-queued",
        gate -> {
          done(gate);
          gate.accept(Phase.ROLLBACK);
        });
    STATES.put("rolling-back", gate -> rollingBack(gate));
    STATES.put(
        "rollback-failed",
        gate -> {
          rollingBack(gate);
          gate.fail(Phase.ROLLBACK);
        });
    STATES.put(
        "rolled-back",
        gate -> {
          rollingBack(gate);
          gate.succeed(MigrationStatus.ROLLED_BACK);
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
          created           | rollback | cannot roll back: the preflight step is still running; wait for it to end
          preflight-running | prepare  | cannot run prepare: the preflight step is still running; wait for it to end
          preflight-running | data     | cannot run data: the preflight step is still running; wait for it to end
          preflight-running | finalize | cannot run finalize: the preflight step is still running; wait for it to end
          preflight-running | abort    | allowed
          preflight-running | rollback | cannot roll back: the preflight step is still running; wait for it to end
          preflight-success | prepare  | allowed
          preflight-success | data     | cannot run data: the migration is preflight-success; run prepare first
          preflight-success | finalize | cannot run finalize: the migration is preflight-success; run prepare first
          preflight-success | abort    | allowed
          preflight-success | rollback | cannot roll back: the migration is preflight-success; only a done migration can be rolled back (abort undoes an unfinished one)
          preflight-error   | prepare  | cannot run prepare: the migration is preflight-error
          preflight-error   | data     | cannot run data: the migration is preflight-error
          preflight-error   | finalize | cannot run finalize: the migration is preflight-error
          preflight-error   | abort    | cannot abort: the migration is preflight-error
          preflight-error   | rollback | cannot roll back: the migration is preflight-error; only a done migration can be rolled back
          prepare-queued    | prepare  | cannot run prepare: the prepare step is still running; wait for it to end
          prepare-queued    | data     | cannot run data: the prepare step is still running; wait for it to end
          prepare-queued    | finalize | cannot run finalize: the prepare step is still running; wait for it to end
          prepare-queued    | abort    | allowed
          prepare-queued    | rollback | cannot roll back: the prepare step is still running; wait for it to end
          prepare-running   | prepare  | cannot run prepare: the prepare step is still running; wait for it to end
          prepare-running   | data     | cannot run data: the prepare step is still running; wait for it to end
          prepare-running   | finalize | cannot run finalize: the prepare step is still running; wait for it to end
          prepare-running   | abort    | allowed
          prepare-running   | rollback | cannot roll back: the prepare step is still running; wait for it to end
          prepared          | prepare  | cannot run prepare: the migration is prepared
          prepared          | data     | allowed
          prepared          | finalize | allowed
          prepared          | abort    | allowed
          prepared          | rollback | cannot roll back: the migration is prepared; only a done migration can be rolled back (abort undoes an unfinished one)
          data-running      | prepare  | cannot run prepare: the data step is still running; wait for it to end
          data-running      | data     | cannot run data: the data step is still running; wait for it to end
          data-running      | finalize | cannot run finalize: the data step is still running; wait for it to end
          data-running      | abort    | allowed
          data-running      | rollback | cannot roll back: the data step is still running; wait for it to end
          data-migrated     | prepare  | cannot run prepare: the migration is data-migrated; run finalize next
          data-migrated     | data     | cannot run data: the migration is data-migrated; run finalize next
          data-migrated     | finalize | allowed
          data-migrated     | abort    | allowed
          data-migrated     | rollback | cannot roll back: the migration is data-migrated; only a done migration can be rolled back (abort undoes an unfinished one)
          data-replicating  | prepare  | cannot run prepare: the migration is data-replicating; run finalize to cut over, or abort
          data-replicating  | data     | cannot run data: the migration is data-replicating; run finalize to cut over, or abort
          data-replicating  | finalize | allowed
          data-replicating  | abort    | allowed
          data-replicating  | rollback | cannot roll back: the migration is data-replicating; only a done migration can be rolled back (abort undoes an unfinished one)
          cutover-running   | prepare  | cannot run prepare: the finalize step is still running; wait for it to end
          cutover-running   | data     | cannot run data: the finalize step is still running; wait for it to end
          cutover-running   | finalize | cannot run finalize: the finalize step is still running; wait for it to end
          cutover-running   | abort    | allowed
          cutover-running   | rollback | cannot roll back: the finalize step is still running; wait for it to end
          cutover-failed    | prepare  | cannot run prepare: the finalize step failed; run finalize again or abort
          cutover-failed    | data     | cannot run data: the finalize step failed; run finalize again or abort
          cutover-failed    | finalize | allowed
          cutover-failed    | abort    | allowed
          cutover-failed    | rollback | cannot roll back: the migration is error; only a done migration can be rolled back (abort undoes an unfinished one)
          replicating-abort-asked | prepare  | cannot run prepare: the migration is aborting
          replicating-abort-asked | data     | cannot run data: the migration is aborting
          replicating-abort-asked | finalize | cannot run finalize: the migration is aborting
          replicating-abort-asked | abort    | allowed
          replicating-abort-asked | rollback | cannot roll back: the migration is aborting
          finalize-running  | prepare  | cannot run prepare: the finalize step is still running; wait for it to end
          finalize-running  | data     | cannot run data: the finalize step is still running; wait for it to end
          finalize-running  | finalize | cannot run finalize: the finalize step is still running; wait for it to end
          finalize-running  | abort    | allowed
          finalize-running  | rollback | cannot roll back: the finalize step is still running; wait for it to end
          done              | prepare  | cannot run prepare: the migration is done
          done              | data     | cannot run data: the migration is done
          done              | finalize | cannot run finalize: the migration is done
          done              | abort    | cannot abort: the migration is done
          done              | rollback | allowed
          done-cleanup      | prepare  | cannot run prepare: the migration is done
          done-cleanup      | data     | cannot run data: the migration is done
          done-cleanup      | finalize | cannot run finalize: the migration is done
          done-cleanup      | abort    | cannot abort: the migration is done
          done-cleanup      | rollback | cannot roll back: its redirect window is over, so the old app has been deleted
          rollback-queued   | prepare  | cannot run prepare: the migration is done
          rollback-queued   | data     | cannot run data: the migration is done
          rollback-queued   | finalize | cannot run finalize: the migration is done
          rollback-queued   | abort    | cannot abort: the migration is done
          rollback-queued   | rollback | cannot roll back: the rollback step is still running; wait for it to end
          rolling-back      | prepare  | cannot run prepare: the rollback step is still running; wait for it to end
          rolling-back      | data     | cannot run data: the rollback step is still running; wait for it to end
          rolling-back      | finalize | cannot run finalize: the rollback step is still running; wait for it to end
          rolling-back      | abort    | cannot abort: a rollback cannot be aborted; wait for it to end
          rolling-back      | rollback | cannot roll back: the rollback step is still running; wait for it to end
          rollback-failed   | prepare  | cannot run prepare: the rollback step failed; run rollback again
          rollback-failed   | data     | cannot run data: the rollback step failed; run rollback again
          rollback-failed   | finalize | cannot run finalize: the rollback step failed; run rollback again
          rollback-failed   | abort    | cannot abort: a rollback cannot be aborted; run rollback again to finish it
          rollback-failed   | rollback | allowed
          rolled-back       | prepare  | cannot run prepare: the migration is rolled-back
          rolled-back       | data     | cannot run data: the migration is rolled-back
          rolled-back       | finalize | cannot run finalize: the migration is rolled-back
          rolled-back       | abort    | cannot abort: the migration is rolled-back
          rolled-back       | rollback | cannot roll back: the migration is already rolled back
          prepare-failed    | prepare  | allowed
          prepare-failed    | data     | cannot run data: the prepare step failed; run prepare again or abort
          prepare-failed    | finalize | cannot run finalize: the prepare step failed; run prepare again or abort
          prepare-failed    | abort    | allowed
          prepare-failed    | rollback | cannot roll back: the migration is error; only a done migration can be rolled back (abort undoes an unfinished one)
          data-failed       | prepare  | cannot run prepare: the data step failed; run data again or abort
          data-failed       | data     | allowed
          data-failed       | finalize | cannot run finalize: the data step failed; run data again or abort
          data-failed       | abort    | allowed
          data-failed       | rollback | cannot roll back: the migration is error; only a done migration can be rolled back (abort undoes an unfinished one)
          finalize-failed   | prepare  | cannot run prepare: the finalize step failed; run finalize again or abort
          finalize-failed   | data     | cannot run data: the finalize step failed; run finalize again or abort
          finalize-failed   | finalize | allowed
          finalize-failed   | abort    | allowed
          finalize-failed   | rollback | cannot roll back: the migration is error; only a done migration can be rolled back (abort undoes an unfinished one)
          abort-asked       | prepare  | cannot run prepare: the migration is aborting
          abort-asked       | data     | cannot run data: the migration is aborting
          abort-asked       | finalize | cannot run finalize: the migration is aborting
          abort-asked       | abort    | allowed
          abort-asked       | rollback | cannot roll back: the migration is aborting
          aborting          | prepare  | cannot run prepare: the migration is aborting
          aborting          | data     | cannot run data: the migration is aborting
          aborting          | finalize | cannot run finalize: the migration is aborting
          aborting          | abort    | allowed
          aborting          | rollback | cannot roll back: the migration is aborting
          aborted           | prepare  | cannot run prepare: the migration is aborted
          aborted           | data     | cannot run data: the migration is aborted
          aborted           | finalize | cannot run finalize: the migration is aborted
          aborted           | abort    | cannot abort: the migration is aborted
          aborted           | rollback | cannot roll back: the migration is aborted; only a done migration can be rolled back
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
    assertEquals(EnumSet.of(Phase.PREPARE, Phase.DATA, Phase.FINALIZE, Phase.ROLLBACK), failed);
  }

  @Test
  void aDoneMigrationThatWentThroughAStatusTheRollbackDoesNotKnowIsNotRolledBack() {
    EnumSet<MigrationStatus> unknowns =
        EnumSet.complementOf(EnumSet.copyOf(StepGate.ROLLBACK_KNOWS));
    unknowns.remove(MigrationStatus.DATA_REPLICATING);
    for (MigrationStatus unknown : unknowns) {
      StepGate gate = gate("prepared");
      gate.accept(Phase.DATA);
      gate.start(gate.takeRequest());
      gate.succeed(unknown);
      gate.start(Phase.FINALIZE);
      gate.succeed(MigrationStatus.DONE);

      assertEquals(
          "cannot roll back: the migration went through "
              + unknown
              + ", and a rollback brings back only the data the stop-and-copy data step moved",
          gate.refusal(Phase.ROLLBACK));
    }
    assertNull(gate("done").refusal(Phase.ROLLBACK), "through data-migrated: allowed");
  }

  @Test
  void aLiveMigrationIsRolledBackOnlyWhenItsCutoverSetUpTheReplicationBack() {
    StepGate before = liveDone();
    assertEquals(
        "cannot roll back: its live cutover set up no replication back (it ran before rollbacks"
            + " of live migrations existed), so the writes made in the destination since could"
            + " not come back",
        before.refusal(Phase.ROLLBACK));

    StepGate after = liveDone();
    after.dataCanComeBack();
    assertNull(after.refusal(Phase.ROLLBACK));
  }

  private static StepGate liveDone() {
    StepGate gate = gate("prepared");
    gate.accept(Phase.DATA);
    gate.start(gate.takeRequest());
    gate.succeed(MigrationStatus.DATA_REPLICATING);
    gate.accept(Phase.FINALIZE);
    gate.start(gate.takeRequest());
    gate.succeed(MigrationStatus.DONE);
    return gate;
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

  /** Live data mode's data step ended: the data is replicated until the cutover. */
  private static void replicating(StepGate gate) {
    running(gate, Phase.DATA);
    gate.succeed(MigrationStatus.DATA_REPLICATING);
  }

  private static void done(StepGate gate) {
    running(gate, Phase.FINALIZE);
    gate.succeed(MigrationStatus.DONE);
  }

  private static void rollingBack(StepGate gate) {
    done(gate);
    gate.accept(Phase.ROLLBACK);
    gate.start(gate.takeRequest());
  }

  private static void failed(StepGate gate, Phase phase) {
    running(gate, phase);
    gate.fail(phase);
  }
}
