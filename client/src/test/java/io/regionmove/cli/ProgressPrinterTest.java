package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.client.PendingActivities;
import io.regionmove.client.PendingActivity;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.codec.EncryptionKeys;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The progress lines of the running data activities, from the pending activities Temporal
 * describes.
 */
class ProgressPrinterTest {

  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();
  private static final String RESTORE = "Restore postgresql addon ad-1 in osc-fr1";
  private static final String BACKUP_2 = "Back up postgresql addon ad-2";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Console plain =
      new Console(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream()),
          false);
  private long now;

  @Test
  void rendersTheHeartbeatTheAttemptAndTheLastFailure() {
    List<PendingActivity> pending =
        PendingActivities.of(
            List.of(
                activity(
                    "RestoreAddon",
                    2,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("restoring", 432_537_600L, 2, 3),
                    failure("pg_restore exited with 1:\nconnection reset")),
                activity(
                    "VerifyAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("verifying", 0, 1, 3),
                    null),
                activity(
                    "BackupAddon",
                    3,
                    5,
                    PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
                    null,
                    failure("activity Heartbeat timeout"))),
            CONVERTER);

    assertEquals(
        "restoring: 412.5 MB, 2/3 tables (attempt 2, last failure: pg_restore exited with 1: connection reset)",
        ProgressPrinter.describe(pending.get(0)));
    assertEquals("verifying: 1/3 tables", ProgressPrinter.describe(pending.get(1)));
    assertEquals(
        "waiting for attempt 3 of 5, last failure: activity Heartbeat timeout",
        ProgressPrinter.describe(pending.get(2)));
  }

  @Test
  void eachEngineCountsItsOwnUnitAndOlderWorkersTablesStillShow() {
    List<PendingActivity> pending =
        PendingActivities.of(
            List.of(
                activity(
                    "BackupAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    new DataProgress("r-1", "dumping", 3L << 20, 2_500, 10_000, DataProgress.KEYS),
                    null),
                activity(
                    "VerifyAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    new DataProgress("r-1", "verifying", 0, 1, 1, DataProgress.KEYS),
                    null),
                activity(
                    "RestoreAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    new DataProgress("r-1", "restoring while backing up", 2048, 1200, 0, "keys"),
                    null),
                activity(
                    "RestoreAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    Map.of("stage", "restoring", "bytes", 1024, "tablesDone", 1, "tables", 3),
                    null)),
            CONVERTER);

    assertEquals("dumping: 3.0 MB, 2500/10000 keys", ProgressPrinter.describe(pending.get(0)));
    assertEquals("verifying: 1/1 key", ProgressPrinter.describe(pending.get(1)));
    assertEquals(
        "restoring while backing up: 2.0 kB, 1200 keys", ProgressPrinter.describe(pending.get(2)));
    assertEquals("restoring: 1.0 kB, 1/3 tables", ProgressPrinter.describe(pending.get(3)));
  }

  @Test
  void decodesEncryptedDetailsAndFailuresWithTheClientsConverter() {
    DataConverter encrypting =
        TemporalClients.dataConverter(Optional.of(EncryptionKeys.of("key-a", new byte[32])));
    Payloads details = encrypting.toPayloads(progress("dumping", 3L << 20, 1, 4)).orElseThrow();
    Failure failure =
        encrypting.exceptionToFailure(
            ApplicationFailure.newFailure("source database unreachable", "Io"));
    assertFalse(details.getPayloads(0).getData().toStringUtf8().contains("dumping"));
    assertFalse(failure.getMessage().contains("unreachable"));
    PendingActivityInfo info =
        activity(
                "BackupAddon",
                2,
                0,
                PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                null,
                null)
            .toBuilder()
            .setHeartbeatDetails(details)
            .setLastFailure(failure)
            .build();
    PendingActivity pending = PendingActivities.of(List.of(info), encrypting).get(0);
    assertEquals(
        "dumping: 3.0 MB, 1/4 tables (attempt 2, last failure: source database unreachable)",
        ProgressPrinter.describe(pending));
  }

  @Test
  void aFirstAttemptWithoutHeartbeatSaysNothing() {
    List<PendingActivity> pending =
        PendingActivities.of(
            List.of(
                activity(
                    "RestoreAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    null,
                    null)),
            CONVERTER);
    assertNull(ProgressPrinter.describe(pending.get(0)));
  }

  @Test
  void showsEachProgressUnderItsStepWhenSeveralRun() {
    ProgressPrinter progress = new ProgressPrinter(plain, 0, () -> now);
    Step restore = running(3, RESTORE);
    Step backup = running(4, BACKUP_2);
    progress.update(
        migration(restore, backup),
        PendingActivities.of(
            List.of(
                activity(
                    "RestoreAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("restoring", 1_048_576L, 0, 3),
                    null),
                activity(
                    "BackupAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("dumping", 2048L, 1, 2),
                    null)),
            CONVERTER));
    assertEquals(
        "  [running] "
            + RESTORE
            + "\n"
            + "      restoring: 1.0 MB, 0/3 tables\n"
            + "  [running] "
            + BACKUP_2
            + "\n"
            + "      dumping: 2.0 kB, 1/2 tables\n",
        out());
  }

  @Test
  void eachAddonsProgressGoesUnderItsOwnStepWhateverTheOrder() {
    ProgressPrinter progress = new ProgressPrinter(plain, 0, () -> now);
    Step backup1 = running(3, "Back up postgresql addon ad-1");
    Step backup12 = running(4, "Back up postgresql addon ad-12");
    progress.update(
        migration(backup1, backup12),
        PendingActivities.of(
            List.of(
                activity(
                    "BackupAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("ad-12", "dumping", 2048L, 1, 2),
                    null),
                activity(
                    "BackupAddon",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    progress("ad-1", "dumping", 1_048_576L, 0, 3),
                    null)),
            CONVERTER));
    assertEquals(
        "  [running] Back up postgresql addon ad-1\n"
            + "      dumping: 1.0 MB, 0/3 tables\n"
            + "  [running] Back up postgresql addon ad-12\n"
            + "      dumping: 2.0 kB, 1/2 tables\n",
        out());
  }

  @Test
  void plainOutputPrintsAChangeAtMostEveryTwoSeconds() {
    ProgressPrinter progress = new ProgressPrinter(plain, 0, () -> now);
    Migration m = migration(running(3, RESTORE));

    progress.update(m, restoring(0)); // first: printed with its step
    now += ms(300);
    progress.update(m, restoring(0)); // unchanged: nothing
    now += ms(300);
    progress.update(m, restoring(1)); // changed, but 0.6 s after the last line: nothing yet
    now += ms(1500);
    progress.update(m, restoring(1)); // unchanged since the skipped change, 2.1 s on: printed
    now += ms(5000);
    progress.update(m, restoring(1)); // unchanged for long: nothing
    progress.update(m, restoring(2)); // changed, 5 s on: printed
    progress.update(m, restoring(3)); // changed, at once: nothing

    assertEquals(
        "  [running] "
            + RESTORE
            + "\n"
            + "      restoring: 1.0 kB, 0/3 tables\n"
            + "      restoring: 1.0 kB, 1/3 tables\n"
            + "      restoring: 1.0 kB, 2/3 tables\n",
        out());

    // The step ends: its line and logs, and no more progress.
    progress.update(
        migration(
            new Step(
                3,
                Phase.DATA,
                RESTORE,
                StepStatus.DONE,
                List.of("Restored 3 tables."),
                Instant.now(),
                Instant.now())),
        List.of());
    assertTrue(out().endsWith("  [done] " + RESTORE + "\n      Restored 3 tables.\n"), out());
  }

  @Test
  void aTerminalRedrawsTheSpinnerAndProgressInPlace() {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Console terminal =
        new Console(
            new PrintStream(screen, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()),
            true);
    ProgressPrinter progress = new ProgressPrinter(terminal, 0, () -> now);
    Migration m = migration(running(3, RESTORE));
    progress.update(m, restoring(1));
    progress.update(m, restoring(2));
    progress.finish();
    String text = screen.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
    assertTrue(text.contains(RESTORE + "\n      restoring: 1.0 kB, 1/3 tables"), text);
    // the second draw first goes back up over the two lines of the first, then clears them
    assertTrue(
        text.contains(
            "1/3 tables\r\u001b[1A\u001b[J  ⠙ "
                + RESTORE
                + "\n      restoring: 1.0 kB, 2/3 tables"),
        text);
    assertTrue(text.endsWith("2/3 tables\r\u001b[1A\u001b[J"), text);
    assertFalse(text.contains("[running]"));
  }

  @Test
  void aReplicatingAddonShowsItsLagAndWhatStandsInTheWayOfACutover() {
    List<PendingActivity> pending =
        PendingActivities.of(
            List.of(
                activity(
                    "WatchReplication",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    Map.of(
                        "addon",
                        "ad-1",
                        "stage",
                        "replicating",
                        "lagBytes",
                        12_288,
                        "lagSeconds",
                        0.1,
                        "problems",
                        List.of()),
                    null),
                activity(
                    "WatchReplication",
                    1,
                    0,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                    Map.of(
                        "addon",
                        "ad-2",
                        "stage",
                        "replicating",
                        "lagBytes",
                        3_145_728,
                        "lagSeconds",
                        2.5,
                        "problems",
                        List.of("the columns of table public.orders changed")),
                    null)),
            CONVERTER);

    assertEquals("lag 12.0 kB (0.1 s)", ProgressPrinter.describe(pending.get(0)));
    assertEquals(
        "lag 3.0 MB (2.5 s); the columns of table public.orders changed",
        ProgressPrinter.describe(pending.get(1)));
    Step replicating =
        new Step(
            7,
            Phase.DATA,
            "Replicate postgresql addon ad-2 (the app keeps running in agora-fr1)",
            StepStatus.RUNNING,
            List.of(),
            Instant.now(),
            null);
    assertEquals(
        pending.get(1), ProgressPrinter.match(List.of(replicating), pending).get(replicating));
  }

  @Test
  void bytesAreHumanSized() {
    assertEquals("469.5 kB", ProgressPrinter.bytes(480_768));
    assertEquals("412.5 MB", ProgressPrinter.bytes(432_537_600L));
    assertEquals("2.00 GB", ProgressPrinter.bytes(2L << 30));
  }

  private List<PendingActivity> restoring(int tablesDone) {
    return PendingActivities.of(
        List.of(
            activity(
                "RestoreAddon",
                1,
                0,
                PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                progress("restoring", 1024, tablesDone, 3),
                null)),
        CONVERTER);
  }

  /**
   * The heartbeat details DataActivitiesImpl sends (a DataProgress), as the default converter
   * writes them.
   */
  private static DataProgress progress(
      String addon, String stage, long bytes, int tablesDone, int tables) {
    return new DataProgress(addon, stage, bytes, tablesDone, tables);
  }

  private static DataProgress progress(String stage, long bytes, int tablesDone, int tables) {
    return new DataProgress(null, stage, bytes, tablesDone, tables);
  }

  private static Failure failure(String message) {
    return Failure.newBuilder()
        .setMessage(message)
        .setApplicationFailureInfo(
            ApplicationFailureInfo.newBuilder().setType("ToolFailedException"))
        .build();
  }

  private static int sequence;

  private static PendingActivityInfo activity(
      String type,
      int attempt,
      int maximumAttempts,
      PendingActivityState state,
      Object details,
      Failure lastFailure) {
    PendingActivityInfo.Builder b =
        PendingActivityInfo.newBuilder()
            .setActivityId(java.util.UUID.randomUUID().toString())
            .setActivityType(ActivityType.newBuilder().setName(type))
            .setAttempt(attempt)
            .setMaximumAttempts(maximumAttempts)
            .setState(state)
            .setScheduledTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + sequence++));
    if (details != null) {
      b.setHeartbeatDetails(CONVERTER.toPayloads(details).orElseThrow());
    }
    if (lastFailure != null) {
      b.setLastFailure(lastFailure);
    }
    return b.build();
  }

  private static Step running(int id, String name) {
    return new Step(id, Phase.DATA, name, StepStatus.RUNNING, List.of(), Instant.now(), null);
  }

  private static Migration migration(Step... steps) {
    return new Migration(
        "0b6a3f8e-3c1e-4d2a-9d7e-1f2a3b4c5d6e",
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        MigrationStatus.RUNNING,
        Phase.DATA,
        null,
        new ArrayList<>(List.of(steps)),
        List.of(),
        List.of(),
        null,
        List.of(),
        null,
        Instant.now(),
        null);
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }
}
