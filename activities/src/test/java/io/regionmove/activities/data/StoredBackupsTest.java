package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an engine that cannot follow a backup being written relies on. */
class StoredBackupsTest {

  private static final String ID = "5d0c1a2b-0000-4000-8000-000000000001/r-1";

  @TempDir Path root;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private DirectoryBackupStore store;
  private StoredBackups backups;
  private Heartbeat heartbeat;

  @BeforeEach
  void setUp() {
    store = new DirectoryBackupStore(root);
    backups =
        new StoredBackups(
            store, DataOptions.defaults().withBackupStartWait(Duration.ofMillis(800)), executor);
    heartbeat = new Heartbeat(progress -> {}, Duration.ofMillis(100));
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void awaitCompleteGivesUpForGoodWhenNoAttemptWrites() {
    ApplicationFailure failure =
        assertThrows(
            ApplicationFailure.class,
            () -> backups.awaitComplete("r-1", ID, DumpFormat.CUSTOM, heartbeat));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.BACKUP_INVALID.name(), failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains(DirectoryBackupStore.ROOT_VARIABLE),
        failure.getOriginalMessage());
  }

  @Test
  void awaitCompleteWaitsBeyondTheStartWaitWhileAnAttemptWrites() throws Exception {
    Path staging = store.stage(ID);
    Path archive = staging.resolve(DumpFormat.CUSTOM.entryName());
    Files.writeString(archive, "first rows");
    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(
            () -> {
              try {
                backups.awaitComplete("r-1", ID, DumpFormat.CUSTOM, heartbeat);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(1500);
    assertFalse(waiting.isDone(), "stopped waiting while the backup was being written");

    Files.writeString(archive, "first rows, then the rest");
    store.put(ID, archive, manifest(archive));
    waiting.get(10, TimeUnit.SECONDS);

    assertEquals(ID, backups.requireIntact("r-1", ID, heartbeat).backupId());
  }

  @Test
  void aDamagedBackupIsNeitherKeptNorRestored() throws Exception {
    Path archive = store.stage(ID).resolve(DumpFormat.CUSTOM.entryName());
    Files.writeString(archive, "keys");
    store.put(ID, archive, manifest(archive));
    Files.writeString(store.open(ID), "keyz");

    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> backups.requireIntact("r-1", ID, heartbeat));
    assertEquals(FailureType.BACKUP_INVALID.name(), failure.getType());
    assertTrue(backups.keepIntact("r-1", ID, heartbeat).isEmpty());
    assertFalse(store.exists(ID), "a damaged backup must be made again");
  }

  private static BackupManifest manifest(Path archive) throws Exception {
    return new BackupManifest(
        ID,
        DumpFormat.CUSTOM,
        Files.size(archive),
        ArchiveDigest.sha256(archive),
        List.of("db0"),
        Map.of("db0", 2L),
        "7.0",
        Instant.parse("2025-01-01T00:00:00Z"));
  }
}
