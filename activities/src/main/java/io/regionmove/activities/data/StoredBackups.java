package io.regionmove.activities.data;

import io.regionmove.activities.BackupResult;
import io.regionmove.activities.StepResult;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every engine does the same way with the {@link BackupStore}: keeping a backup that is
 * already complete and intact, refusing to restore a missing or damaged one, waiting for a backup
 * another worker is making, deleting one. Engines share it so that idempotence and the integrity
 * check (the SHA-256 of the archive against its manifest) cannot differ from one engine to another.
 */
public final class StoredBackups {

  private static final Logger log = LoggerFactory.getLogger(StoredBackups.class);
  private static final long POLL_MILLIS = 100;

  private final BackupStore store;
  private final DataOptions options;
  private final ExecutorService executor;

  /**
   * @param executor runs the archive digests while the calling thread heartbeats
   */
  public StoredBackups(BackupStore store, DataOptions options, ExecutorService executor) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  public BackupStore store() {
    return store;
  }

  /**
   * The result of a backup that is already complete and whose archive still matches its manifest: a
   * retried backup keeps it. Otherwise deletes whatever is there (a damaged backup, what a crashed
   * attempt left half-written) and returns empty: the caller makes the backup again.
   */
  public Optional<BackupResult> keepIntact(String addonId, String backupId, Heartbeat heartbeat)
      throws IOException {
    Optional<BackupManifest> existing = store.manifest(backupId);
    if (existing.isPresent()) {
      BackupManifest manifest = existing.get();
      String sha =
          heartbeat.await(
              executor.submit(() -> ArchiveDigest.sha256(store.open(backupId))),
              () ->
                  new DataProgress(
                      addonId,
                      "checking backup",
                      manifest.sizeBytes(),
                      0,
                      manifest.tables().size()));
      if (sha.equals(manifest.sha256())) {
        return Optional.of(
            new BackupResult(
                backupId,
                manifest.sizeBytes(),
                manifest.tables().size(),
                List.of(
                    String.format(
                        Locale.ROOT,
                        "Backup of addon %s already complete (%d tables, %,d rows, %s), kept",
                        addonId,
                        manifest.tables().size(),
                        manifest.rows(),
                        humanSize(manifest.sizeBytes())))));
      }
      log.warn("backup {} does not match its manifest; making it again", backupId);
    }
    store.delete(backupId);
    return Optional.empty();
  }

  /**
   * The manifest of the complete backup of that id, once its archive is checked against it; a
   * missing or damaged backup fails for good (a retry would find it the same).
   */
  public BackupManifest requireIntact(String addonId, String backupId, Heartbeat heartbeat)
      throws IOException {
    BackupManifest manifest =
        store
            .manifest(backupId)
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "No complete backup "
                            + backupId
                            + " of addon "
                            + addonId
                            + " exists; run the data step again to make one",
                        FailureType.BACKUP_INVALID.name()));
    Path archive = store.open(backupId);
    String sha256 =
        heartbeat.await(
            executor.submit(() -> ArchiveDigest.sha256(archive)),
            () ->
                new DataProgress(
                    addonId, "checking backup", manifest.sizeBytes(), 0, manifest.tables().size()));
    if (!sha256.equals(manifest.sha256())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Backup "
              + backupId
              + " of addon "
              + addonId
              + " is damaged: its SHA-256 differs from its manifest; run the data step again to make a new one",
          FailureType.BACKUP_INVALID.name());
    }
    return manifest;
  }

  /**
   * Waits, heartbeating, until the backup is complete (empty) or an attempt is writing an archive
   * of {@code format} that a restore can follow (opened). Gives up for good after {@link
   * DataOptions#backupStartWait()}: the source's worker is down, or the workers do not share the
   * store.
   */
  public Optional<ArchiveFollower> awaitStarted(
      String addonId, String backupId, DumpFormat format, Heartbeat heartbeat)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + options.backupStartWait().toNanos();
    while (true) {
      Optional<ArchiveFollower> growing = ArchiveFollower.open(store, backupId, format);
      if (growing.isPresent()) {
        return growing;
      }
      if (store.manifest(backupId).isPresent()) {
        return Optional.empty();
      }
      if (System.nanoTime() - deadline > 0) {
        throw noBackupAppeared(addonId);
      }
      heartbeat.beatIfDue(() -> new DataProgress(addonId, "waiting for the backup", 0, 0, 0));
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Waits, heartbeating, until the backup is complete, for an engine that cannot follow an archive
   * being written. Gives up for good when no attempt has been writing for {@link
   * DataOptions#backupStartWait()}.
   */
  public void awaitComplete(String addonId, String backupId, DumpFormat format, Heartbeat heartbeat)
      throws IOException, InterruptedException {
    long lastSeen = System.nanoTime();
    while (store.manifest(backupId).isEmpty()) {
      if (store.archiveBeingWritten(backupId, format).isPresent()) {
        lastSeen = System.nanoTime();
      } else if (System.nanoTime() - lastSeen > options.backupStartWait().toNanos()) {
        throw noBackupAppeared(addonId);
      }
      heartbeat.beatIfDue(() -> new DataProgress(addonId, "waiting for the backup", 0, 0, 0));
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Deletes the backup of that id; tolerates there being none (an undo of what never happened). */
  public StepResult delete(String addonId, String backupId) throws IOException {
    return StepResult.of(
        store.delete(backupId)
            ? "Deleted the backup of addon " + addonId
            : "No backup of addon " + addonId + " to delete");
  }

  /** A size as the activities' logs show it: {@code 12.3 kB}, {@code 4.5 MB}, {@code 1.02 GB}. */
  public static String humanSize(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
  }

  private ApplicationFailure noBackupAppeared(String addonId) {
    return ApplicationFailure.newNonRetryableFailure(
        "No backup of addon "
            + addonId
            + " appeared in "
            + store
            + " within "
            + options.backupStartWait().toMinutes()
            + " min: is the source region's worker running,"
            + " and do both regions' workers share "
            + DirectoryBackupStore.ROOT_VARIABLE
            + "? Then run the data step again",
        FailureType.BACKUP_INVALID.name());
  }
}
