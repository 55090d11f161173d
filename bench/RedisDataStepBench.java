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
import io.regionmove.activities.data.redis.RedisEngine;
import io.regionmove.model.Addon;
import io.regionmove.sandbox.redis.RedisSampleData;
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
 * For bench/redis-data-step.sh. {@code seed URL KEYS} fills a database with the sandbox's sample
 * keys (every type, some with a TTL, some binary). {@code step SOURCE_URL DESTINATION_URL} runs the
 * data step's activities through DataActivitiesImpl with the redis engine as the workflow runs
 * them (backup and restore at the same time, then verify), in two TestActivityEnvironments
 * standing for the source and destination workers, and prints their wall times as key=value lines.
 */
public class RedisDataStepBench {

  public static void main(String[] args) throws Exception {
    if (args[0].equals("seed")) {
      long t0 = System.nanoTime();
      RedisSampleData.seed(args[1], Integer.parseInt(args[2]));
      System.out.printf(Locale.ROOT, "seed_s=%.2f%n", (System.nanoTime() - t0) / 1e9);
      System.exit(0);
    }
    String sourceUrl = args[1];
    String destinationUrl = args[2];
    Path backups = Files.createTempDirectory("regionmove-redis-bench-backups");
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
    DataOptions options = DataOptions.defaults();
    DirectoryBackupStore store = new DirectoryBackupStore(backups);
    TestActivityEnvironment sourceWorker = TestActivityEnvironment.newInstance();
    TestActivityEnvironment destinationWorker = TestActivityEnvironment.newInstance();
    try {
      sourceWorker.registerActivitiesImplementations(
          new DataActivitiesImpl(
              Engines.of(new RedisEngine(databases, store, options)), options.heartbeatInterval()));
      destinationWorker.registerActivitiesImplementations(
          new DataActivitiesImpl(
              Engines.of(new RedisEngine(databases, store, options)), options.heartbeatInterval()));
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
      AddonInput addon = new AddonInput(move, new Addon("redis-bench", "redis", "bench", "7.0"));

      long t0 = System.nanoTime();
      CompletableFuture<Long> restoreEnd =
          CompletableFuture.supplyAsync(
              () -> {
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

      System.out.printf(Locale.ROOT, "backup_bytes=%d%n", backup.sizeBytes());
      System.out.printf(Locale.ROOT, "keys=%d%n", verified.rows());
      System.out.printf(Locale.ROOT, "backup_s=%.2f%n", (backupEnd - t0) / 1e9);
      System.out.printf(Locale.ROOT, "restore_s=%.2f%n", (restored - t0) / 1e9);
      System.out.printf(Locale.ROOT, "verify_s=%.2f%n", (t3 - t2) / 1e9);
      System.out.printf(Locale.ROOT, "ours_s=%.2f%n", (t3 - t0) / 1e9);
      // Both workers' CPU (and this launcher's compilation of this file, about a second).
      System.out.printf(
          Locale.ROOT,
          "jvm_cpu_s=%.2f%n",
          ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis()
              / 1000.0);
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
