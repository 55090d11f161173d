import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.VerifyResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.DataActivitiesImpl;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.Engines;
import io.regionmove.activities.data.mysql.MySqlEngine;
import io.regionmove.model.Addon;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the MySQL data step's activities through DataActivitiesImpl as the workflow runs them, in
 * TestActivityEnvironments standing for the source and destination workers, and prints their wall
 * times as key=value lines for bench/mysql-data-step.sh.
 *
 * <p>Arguments: sourceUrl destinationUrl [follow|wait]: follow (the workflow's way) restores while
 * the backup is written; wait restores once the backup is complete.
 */
public class MySqlDataStepBench {

  public static void main(String[] args) throws Exception {
    String sourceUrl = args[0];
    String destinationUrl = args[1];
    boolean follow = args.length < 3 || args[2].equals("follow");
    DataOptions options = DataOptions.defaults();
    Path backups = Files.createTempDirectory("regionmove-mysql-bench-backups");
    AddonDatabases databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return sourceUrl;
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return destinationUrl;
          }
        };
    TestActivityEnvironment sourceWorker = TestActivityEnvironment.newInstance();
    TestActivityEnvironment destinationWorker = TestActivityEnvironment.newInstance();
    DirectoryBackupStore store = new DirectoryBackupStore(backups);
    try {
      for (TestActivityEnvironment worker : new TestActivityEnvironment[] {sourceWorker, destinationWorker}) {
        worker.registerActivitiesImplementations(
            new DataActivitiesImpl(
                Engines.of(new MySqlEngine(databases, store, null, options)),
                options.heartbeatInterval()));
      }
      ActivityOptions activityOptions =
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .build();
      DataActivities source = sourceWorker.newActivityStub(DataActivities.class, activityOptions);
      DataActivities destination =
          destinationWorker.newActivityStub(DataActivities.class, activityOptions);
      MoveInput move =
          new MoveInput(UUID.randomUUID().toString(), "agora-fr1", "bench", "osc-fr1", "bench");
      AddonInput addon = new AddonInput(move, new Addon("my-bench", "mysql", "bench", "10.11"));

      long t0 = System.nanoTime();
      long backupEnd;
      long restored;
      BackupResult backup;
      if (follow) {
        CompletableFuture<Long> restoreEnd =
            CompletableFuture.supplyAsync(
                () -> {
                  destination.restoreAddon(RestoreInput.whileBackingUp(addon));
                  return System.nanoTime();
                });
        backup = source.backupAddon(addon);
        backupEnd = System.nanoTime();
        restored = restoreEnd.join();
      } else {
        backup = source.backupAddon(addon);
        backupEnd = System.nanoTime();
        destination.restoreAddon(new RestoreInput(addon, backup.backupId()));
        restored = System.nanoTime();
      }
      long t2 = Math.max(backupEnd, restored);
      VerifyResult verified = destination.verifyAddon(addon);
      long t3 = System.nanoTime();
      source.deleteBackup(addon);

      System.out.printf(Locale.ROOT, "mode=%s%n", follow ? "follow" : "wait");
      System.out.printf(Locale.ROOT, "backup_bytes=%d%n", backup.sizeBytes());
      System.out.printf(Locale.ROOT, "rows=%d%n", verified.rows());
      System.out.printf(Locale.ROOT, "backup_s=%.2f%n", (backupEnd - t0) / 1e9);
      System.out.printf(Locale.ROOT, "restore_s=%.2f%n", (restored - t0) / 1e9);
      System.out.printf(Locale.ROOT, "verify_s=%.2f%n", (t3 - t2) / 1e9);
      System.out.printf(Locale.ROOT, "ours_s=%.2f%n", (t3 - t0) / 1e9);
    } finally {
      sourceWorker.close();
      destinationWorker.close();
      try (var paths = Files.walk(backups)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }
}
