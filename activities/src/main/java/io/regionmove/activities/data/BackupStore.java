package io.regionmove.activities.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where backups live between the source and the destination region. A backup is identified by
 * {@code <migrationId>/<sourceAddonId>} and exists only once {@link #put} has stored its archive
 * and its manifest together: a half-written backup is never seen as complete. Dump and restore
 * tools (pg_dump, pg_restore) need local files, so a store hands out local staging space and local
 * paths; a store backed by an object store would upload in {@code put} and download in {@code
 * open}.
 */
public interface BackupStore {

  /** The id of the backup of one source addon in one migration. */
  static String backupId(String migrationId, String sourceAddonId) {
    return migrationId + "/" + sourceAddonId;
  }

  /**
   * A new, empty local directory to write an archive into before {@link #put}. It is discarded by
   * {@link #discard} or {@link #delete}, and is never taken for a complete backup.
   */
  Path stage(String backupId) throws IOException;

  /**
   * Publishes the archive at {@code archive} (inside a staging directory) with its manifest, as one
   * atomic step, replacing any previous backup of that id. The staging directory is consumed.
   */
  void put(String backupId, Path archive, BackupManifest manifest) throws IOException;

  /** Drops a staging directory and what was written into it; tolerates it being gone. */
  void discard(Path staging) throws IOException;

  /** The manifest of the complete backup of that id, empty when there is none. */
  Optional<BackupManifest> manifest(String backupId) throws IOException;

  /** Whether a complete backup of that id exists. */
  default boolean exists(String backupId) throws IOException {
    return manifest(backupId).isPresent();
  }

  /**
   * The archive an unfinished attempt at that backup is writing now, so a restore can follow it as
   * it grows; empty when no attempt is writing, or when the store cannot show unfinished archives
   * (an object store uploads only complete ones). The path stops existing when the attempt is
   * discarded; when it is published, {@link #open} names the same file.
   */
  default Optional<Path> archiveBeingWritten(String backupId, DumpFormat format)
      throws IOException {
    return Optional.empty();
  }

  /** A local path to the complete backup's archive (a file or a directory, as its format says). */
  Path open(String backupId) throws IOException;

  /**
   * Deletes the backup of that id and any half-written attempt at it.
   *
   * @return whether there was anything to delete
   */
  boolean delete(String backupId) throws IOException;
}
