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
import io.regionmove.activities.data.DumpFormat;
import io.regionmove.model.Addon;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the data step's activities through DataActivitiesImpl as the workflow runs them (backup and
 * restore at the same time, then verify), in TestActivityEnvironments standing for the source and
 * destination workers, and prints their wall times as key=value lines for bench/data-step.sh.
 *
 * <p>Arguments: sourceUrl destinationUrl pgBinDir [format] [jobs]
 */
public class DataStepBench {

  public static void main(String[] args) throws Exception {
    String sourceUrl = args[0];
    String destinationUrl = args[1];
    Path bin = Path.of(args[2]);
    DataOptions options = DataOptions.defaults();
    if (args.length > 3) {
      options = options.withFormat(DumpFormat.valueOf(args[3].toUpperCase(Locale.ROOT)));
    }
    if (args.length > 4) {
      options = options.withJobs(Integer.parseInt(args[4]));
    }
    Path backups = Files.createTempDirectory("regionmove-bench-backups");
    AddonDatabases databases = new AddonDatabases() {
      @Override
      public String sourceUrl(AppInput sourceApp, Addon addon) {
        return sourceUrl;
      }

      @Override
      public String destinationUrl(MoveInput move, Addon sourceAddon) {
        return destinationUrl;
      }
    };
    // One environment stands for the source region's worker, one for the destination's.
    TestActivityEnvironment sourceWorker = TestActivityEnvironment.newInstance();
    TestActivityEnvironment destinationWorker = TestActivityEnvironment.newInstance();
    DirectoryBackupStore store = new DirectoryBackupStore(backups);
    try {
      sourceWorker.registerActivitiesImplementations(new DataActivitiesImpl(databases, store, bin, options));
      destinationWorker.registerActivitiesImplementations(new DataActivitiesImpl(databases, store, bin, options));
      ActivityOptions activityOptions = ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(2))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .build();
      DataActivities source = sourceWorker.newActivityStub(DataActivities.class, activityOptions);
      DataActivities destination = destinationWorker.newActivityStub(DataActivities.class, activityOptions);
      MoveInput move = new MoveInput(UUID.randomUUID().toString(), "agora-fr1", "bench", "osc-fr1", "bench");
      AddonInput addon = new AddonInput(move, new Addon("pg-bench", Addon.POSTGRESQL, "bench", "15"));

      // As the workflow does: backup and restore at the same time (the restore follows the
      // archive as pg_dump writes it), then the verification.
      long t0 = System.nanoTime();
      CompletableFuture<Long> restoreEnd = CompletableFuture.supplyAsync(() -> {
        destination.restoreAddon(RestoreInput.whileBackingUp(addon));
        return System.nanoTime();
      });
      BackupResult backup = source.backupAddon(addon);
      long backupEnd = System.nanoTime();
      long restored = restoreEnd.join();
      long t2 = Math.max(backupEnd, restored);
      VerifyResult verified = destination.verifyAddon(addon);
      long t3 = System.nanoTime();
      source.deleteBackup(addon);

      System.out.printf(Locale.ROOT, "format=%s%njobs=%d%n", options.format(), options.jobs());
      System.out.printf(Locale.ROOT, "backup_bytes=%d%n", backup.sizeBytes());
      System.out.printf(Locale.ROOT, "rows=%d%n", verified.rows());
      System.out.printf(Locale.ROOT, "backup_s=%.2f%n", (backupEnd - t0) / 1e9);
      System.out.printf(Locale.ROOT, "restore_s=%.2f%n", (restored - t0) / 1e9);
      System.out.printf(Locale.ROOT, "verify_s=%.2f%n", (t3 - t2) / 1e9);
      System.out.printf(Locale.ROOT, "ours_s=%.2f%n", (t3 - t0) / 1e9);
    } finally {
      sourceWorker.close();
      destinationWorker.close();
      DirectoryBackupStoreCleanup.delete(backups);
    }
    System.exit(0);
  }

  /** Deletes the benchmark's backup directory. */
  static final class DirectoryBackupStoreCleanup {
    static void delete(Path dir) throws java.io.IOException {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
