package io.regionmove.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regionmove.client.MigrationClient.Step;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentences that refuse a step of a migration whose workflow has closed. */
class MigrationClientTest {

  @Test
  void aRollbackOfAnAbortedMigrationIsRefusedInOneSentence() {
    assertEquals(
        "Cannot roll back: the migration is aborted; only a done migration can be rolled back,"
            + " within its redirect window.",
        MigrationTexts.closedRefusal(Step.ROLLBACK, closed(MigrationStatus.ABORTED, Phase.ABORT)));
  }

  @Test
  void aRollbackAfterTheRedirectWindowSaysTheOldAppIsGone() {
    assertEquals(
        "Cannot roll back: the redirect window of the migration is over and the old app my-app in"
            + " agora-fr1 has been deleted.",
        MigrationTexts.closedRefusal(Step.ROLLBACK, closed(MigrationStatus.DONE, Phase.CLEANUP)));
  }

  @Test
  void aSecondRollbackSaysItIsAlreadyDone() {
    assertEquals(
        "Cannot roll back: the migration is already rolled back.",
        MigrationTexts.closedRefusal(
            Step.ROLLBACK, closed(MigrationStatus.ROLLED_BACK, Phase.ROLLBACK)));
  }

  @Test
  void otherStepsOfAClosedMigrationNameItsStatus() {
    assertEquals(
        "Cannot abort: the migration is rolled-back.",
        MigrationTexts.closedRefusal(
            Step.ABORT, closed(MigrationStatus.ROLLED_BACK, Phase.ROLLBACK)));
    assertEquals(
        "Cannot run data: the migration is aborted.",
        MigrationTexts.closedRefusal(Step.DATA, closed(MigrationStatus.ABORTED, Phase.ABORT)));
  }

  private static Migration closed(MigrationStatus status, Phase phase) {
    return new Migration(
        "0b6a3f8e-3c1e-4d2a-9d7e-1f2a3b4c5d6e",
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        status,
        phase,
        null,
        List.of(),
        List.of(),
        List.of(),
        null,
        List.of(),
        null,
        Instant.now(),
        Instant.now());
  }
}
