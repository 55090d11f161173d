package io.regionmove.model;

import java.time.Instant;

/**
 * One app of a batch and its migration, as the batch knows it.
 *
 * @param migrationId the id of the app's migration, decided when the batch starts; its workflow
 *     exists once {@code state} is past {@link BatchEntryState#WAITING}
 * @param status the migration's status when the batch last heard of it (when its driver returned);
 *     null while it is being driven or when it could not be driven
 * @param error one sentence when the migration stopped short of the step asked, else null
 * @param startedAt when the batch started the migration
 * @param finishedAt when the batch was done with it
 */
public record BatchEntry(
    String app,
    String migrationId,
    BatchEntryState state,
    MigrationStatus status,
    String error,
    Instant startedAt,
    Instant finishedAt) {

  public static BatchEntry waiting(String app, String migrationId) {
    return new BatchEntry(app, migrationId, BatchEntryState.WAITING, null, null, null, null);
  }

  public BatchEntry running(Instant at) {
    return new BatchEntry(app, migrationId, BatchEntryState.RUNNING, null, null, at, null);
  }

  public BatchEntry finished(MigrationStatus last, String why, Instant at) {
    return new BatchEntry(app, migrationId, BatchEntryState.FINISHED, last, why, startedAt, at);
  }

  public BatchEntry skipped() {
    return new BatchEntry(app, migrationId, BatchEntryState.SKIPPED, null, null, null, null);
  }

  /** How this app ended for a batch driving through {@code through}; null while unfinished. */
  public BatchOutcome outcome(Phase through) {
    return switch (state) {
      case WAITING, RUNNING -> null;
      case SKIPPED -> BatchOutcome.ABORTED;
      case FINISHED -> {
        if (status == MigrationStatus.ABORTED) {
          yield BatchOutcome.ABORTED;
        }
        yield reached(status, through) ? BatchOutcome.DONE : BatchOutcome.ERROR;
      }
    };
  }

  /**
   * Whether a migration in {@code status} has gone through the step {@code through}; live data
   * mode's data step ends {@code data-replicating}.
   */
  public static boolean reached(MigrationStatus status, Phase through) {
    if (status == null) {
      return false;
    }
    return switch (through) {
      case PREPARE ->
          status == MigrationStatus.PREPARED
              || status == MigrationStatus.DATA_MIGRATED
              || status == MigrationStatus.DATA_REPLICATING
              || status == MigrationStatus.DONE;
      case DATA ->
          status == MigrationStatus.DATA_MIGRATED
              || status == MigrationStatus.DATA_REPLICATING
              || status == MigrationStatus.DONE;
      default -> status == MigrationStatus.DONE;
    };
  }
}
