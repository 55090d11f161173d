package io.regionmove.workflows;

import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the migration is in its lifecycle (SPEC §2), which user step may run now, and the sentence
 * that refuses the others. It knows nothing of Temporal: the workflow moves it and publishes the
 * status; update validators and signal handlers ask it before anything reaches history.
 *
 * <p>Each accepted step takes a ticket; when a phase ends, every ticket handed out before is
 * answered, so an update waits for exactly the phase it asked for (or for the abort that stopped
 * it).
 */
final class StepGate {

  /**
   * The statuses a migration may have gone through and still be rolled back. The stop-and-copy data
   * step copies its data back; live mode's ({@code data-replicating}) comes back only when its
   * cutover set up the replication back ({@link #dataCanComeBack}); a migration that went through
   * any other status (a data mode added later) is refused rather than rolled back without its data.
   */
  static final Set<MigrationStatus> ROLLBACK_KNOWS =
      EnumSet.of(
          MigrationStatus.CREATED,
          MigrationStatus.RUNNING,
          MigrationStatus.PREFLIGHT_SUCCESS,
          MigrationStatus.PREPARED,
          MigrationStatus.DATA_MIGRATED,
          MigrationStatus.ERROR,
          MigrationStatus.DONE,
          MigrationStatus.ROLLING_BACK);

  private MigrationStatus status = MigrationStatus.CREATED;

  /** Every status the migration has been in, in the order first reached. */
  private final Set<MigrationStatus> visited = new LinkedHashSet<>(List.of(status));

  private Phase phase = Phase.PREFLIGHT;
  private Phase failedPhase;

  /** A step the user asked for and that has not started yet. */
  private Phase requested;

  private boolean abortRequested;

  /** A live cutover set up the replication back: the destination's writes can come back. */
  private boolean dataCanComeBack;

  private int accepted;
  private int ended;

  MigrationStatus status() {
    return status;
  }

  Phase phase() {
    return phase;
  }

  /** The step that failed and may be run again, while the migration is in error. */
  Phase failedPhase() {
    return failedPhase;
  }

  boolean abortRequested() {
    return abortRequested;
  }

  boolean hasRequest() {
    return requested != null;
  }

  /** Why {@code asked} cannot run now, or null when it can. */
  String refusal(Phase asked) {
    if (asked == Phase.ROLLBACK) {
      return rollbackRefusal();
    }
    if (asked == Phase.ABORT) {
      if (phase == Phase.ROLLBACK && !status.isTerminal()) {
        return "cannot abort: a rollback cannot be aborted; "
            + (status == MigrationStatus.ERROR
                ? "run rollback again to finish it"
                : "wait for it to end");
      }
      // Asked again while aborting (a client retrying, two operators): the same abort, and the
      // answer is the same once it is done.
      return status.isTerminal() ? "cannot abort: the migration is " + status : null;
    }
    String cannot = "cannot run " + asked + ": ";
    if (status.isTerminal()) {
      return cannot + "the migration is " + status;
    }
    if (abortRequested) {
      return cannot + "the migration is aborting";
    }
    if (isBusy()) {
      Phase busy = requested != null ? requested : phase;
      return cannot + "the " + busy + " step is still running; wait for it to end";
    }
    if (status == MigrationStatus.ERROR) {
      return asked == failedPhase
          ? null
          : cannot
              + "the "
              + failedPhase
              + " step failed; run "
              + failedPhase
              + " again"
              + (failedPhase == Phase.ROLLBACK ? "" : " or abort");
    }
    boolean allowed =
        switch (asked) {
          case PREPARE -> status == MigrationStatus.PREFLIGHT_SUCCESS;
          case DATA -> status == MigrationStatus.PREPARED;
          case FINALIZE ->
              status == MigrationStatus.PREPARED
                  || status == MigrationStatus.DATA_MIGRATED
                  || status == MigrationStatus.DATA_REPLICATING;
          default -> false;
        };
    if (allowed) {
      return null;
    }
    String hint =
        switch (status) {
          case PREFLIGHT_SUCCESS -> "; run prepare first";
          case DATA_MIGRATED -> "; run finalize next";
          case DATA_REPLICATING -> "; run finalize to cut over, or abort";
          default -> "";
        };
    return cannot + "the migration is " + status + hint;
  }

  /**
   * A rollback (SPEC §10) is allowed once the migration is done, until the cleanup after the
   * redirect window has started, and again after a rollback that failed.
   */
  private String rollbackRefusal() {
    String cannot = "cannot roll back: ";
    if (isBusy()) {
      Phase busy = requested != null ? requested : phase;
      return cannot + "the " + busy + " step is still running; wait for it to end";
    }
    if (status == MigrationStatus.ERROR && failedPhase == Phase.ROLLBACK) {
      return null;
    }
    if (status == MigrationStatus.ROLLED_BACK) {
      return cannot + "the migration is already rolled back";
    }
    if (abortRequested && !status.isTerminal()) {
      return cannot + "the migration is aborting";
    }
    if (status != MigrationStatus.DONE) {
      return cannot
          + "the migration is "
          + status
          + "; only a done migration can be rolled back"
          + (status.isTerminal() ? "" : " (abort undoes an unfinished one)");
    }
    if (phase == Phase.CLEANUP) {
      return cannot + "its redirect window is over, so the old app has been deleted";
    }
    for (MigrationStatus went : visited) {
      if (went == MigrationStatus.DATA_REPLICATING) {
        if (dataCanComeBack) {
          continue;
        }
        return cannot
            + "its live cutover set up no replication back (it ran before rollbacks of live"
            + " migrations existed), so the writes made in the destination since could not"
            + " come back";
      }
      if (!ROLLBACK_KNOWS.contains(went)) {
        return cannot
            + "the migration went through "
            + went
            + ", and a rollback brings back only the data the stop-and-copy data step moved";
      }
    }
    return null;
  }

  private boolean isBusy() {
    return requested != null
        || status == MigrationStatus.RUNNING
        || status == MigrationStatus.CREATED
        || status == MigrationStatus.ROLLING_BACK;
  }

  /**
   * The live cutover set up the replication back (SPEC §10): a migration that went through {@code
   * data-replicating} may be rolled back. Cutovers recorded before it existed never call this.
   */
  void dataCanComeBack() {
    dataCanComeBack = true;
  }

  /** Queues a user step that {@link #refusal} allowed; returns its ticket. */
  int accept(Phase asked) {
    if (asked == Phase.ABORT || asked == Phase.PREFLIGHT || asked == Phase.CLEANUP) {
      throw new IllegalArgumentException("not a step the user queues: " + asked);
    }
    requested = asked;
    return ++accepted;
  }

  /** Hands the queued step to the workflow, which runs it next. */
  Phase takeRequest() {
    Phase next = requested;
    requested = null;
    return next;
  }

  /** Records that abort was asked; true the first time. */
  boolean requestAbort() {
    boolean first = !abortRequested;
    abortRequested = true;
    return first;
  }

  /** Whether the step of {@code ticket} has ended, or the abort that stopped it has. */
  boolean isAnswered(int ticket) {
    return ended >= ticket && (!abortRequested || status.isTerminal());
  }

  void start(Phase next) {
    phase = next;
    moveTo(next == Phase.ROLLBACK ? MigrationStatus.ROLLING_BACK : MigrationStatus.RUNNING);
  }

  /** The running phase ended well; the migration moves on to {@code reached}, terminal or not. */
  void succeed(MigrationStatus reached) {
    failedPhase = null;
    moveTo(reached);
  }

  /** The running phase failed for good: the user runs it again or aborts. */
  void fail(Phase failed) {
    failedPhase = failed;
    moveTo(MigrationStatus.ERROR);
  }

  void startAborting() {
    phase = Phase.ABORT;
    moveTo(MigrationStatus.ABORTING);
  }

  void startCleanup() {
    phase = Phase.CLEANUP;
  }

  /** Ends in a terminal status other than by a phase's success (abort, refused lock). */
  void end(MigrationStatus terminal) {
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException("not a terminal status: " + terminal);
    }
    moveTo(terminal);
  }

  private void moveTo(MigrationStatus next) {
    status = next;
    visited.add(next);
  }

  /** The running phase (or the abort) has ended: answers every ticket handed out so far. */
  void answerAll() {
    ended = accepted;
  }
}
