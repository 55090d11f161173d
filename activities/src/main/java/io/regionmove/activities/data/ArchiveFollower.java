package io.regionmove.activities.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies an archive that a dump tool is still writing into a pipe (the restore tool's standard
 * input), as {@code tail -f} would, until the backup it belongs to is published complete. It serves
 * any engine whose archive is one file written front to back.
 *
 * <p>A custom-format archive is written front to back (header, table of contents, then each table's
 * data), so pg_restore can read it as it grows. pg_dump then rewrites the table of contents in
 * place with data offsets; pg_restore reading a stream does not need them. When the attempt writing
 * the archive is discarded instead (it failed, or a new attempt replaced it), following fails with
 * {@link BackupRestartedException} and the restore must start over.
 */
public final class ArchiveFollower {

  /**
   * When the copy of a follower into a tool failed because the backup attempt it followed was
   * discarded: the failure that makes the restore start over. Waits up to {@code wait} for the copy
   * to end, since the tool's input ends just before the copy does.
   */
  public static Optional<RuntimeException> restarted(Future<?> copying, Duration wait) {
    Throwable failure;
    try {
      copying.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (TimeoutException | CancellationException e) {
      return Optional.empty();
    }
    return failure instanceof BackupRestartedException restarted
        ? Optional.of(new ToolFailedException(restarted.getMessage() + "; restoring again"))
        : Optional.empty();
  }

  /** The backup being followed was discarded before it was complete. */
  public static final class BackupRestartedException extends IOException {
    BackupRestartedException(String message) {
      super(message);
    }
  }

  private static final int BUFFER_BYTES = 1 << 20;
  private static final long POLL_MILLIS = 50;

  private final BackupStore store;
  private final String backupId;
  private final Path archive;
  private final FileChannel channel;
  private final Object followed;
  private final AtomicLong copied = new AtomicLong();

  private ArchiveFollower(
      BackupStore store, String backupId, Path archive, FileChannel channel, Object followed) {
    this.store = Objects.requireNonNull(store);
    this.backupId = Objects.requireNonNull(backupId);
    this.archive = Objects.requireNonNull(archive);
    this.channel = Objects.requireNonNull(channel);
    this.followed = followed;
  }

  /**
   * Opens the archive an attempt at that backup is writing, if the store shows one as a single
   * file. Opening it first pins the file: if the attempt publishes it meanwhile, it is still the
   * file followed; if the attempt was published or discarded before it could be opened, empty.
   */
  public static Optional<ArchiveFollower> open(BackupStore store, String backupId, String entry)
      throws IOException {
    Optional<Path> found = store.archiveBeingWritten(backupId, entry).filter(Files::isRegularFile);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Path archive = found.get();
    FileChannel channel;
    try {
      channel = FileChannel.open(archive, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      Object key = Files.readAttributes(archive, BasicFileAttributes.class).fileKey();
      return Optional.of(new ArchiveFollower(store, backupId, archive, channel, key));
    } catch (NoSuchFileException e) {
      channel.close();
      return Optional.empty();
    }
  }

  /** Bytes copied so far. */
  public long copied() {
    return copied.get();
  }

  /**
   * Copies the archive into {@code out} until the backup is published and all of it is copied, then
   * closes {@code out} and the archive. Stops when interrupted, or when {@code out} is closed by
   * its reader.
   */
  public void copyTo(OutputStream out) throws IOException, InterruptedException {
    try (out;
        channel) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
      boolean complete = false;
      while (true) {
        buffer.clear();
        int read = channel.read(buffer, copied.get());
        if (read > 0) {
          out.write(buffer.array(), 0, read);
          copied.addAndGet(read);
          continue;
        }
        if (complete) {
          out.flush();
          return;
        }
        // At the end of what is written so far: done once the backup is published with this
        // very file (then read to its end once more), failed when the attempt is gone.
        complete = isPublished();
        if (!complete && !isBeingWritten()) {
          // The attempt may have been published between the two checks.
          complete = isPublished();
          if (!complete) {
            throw new BackupRestartedException(
                "the backup " + backupId + " being followed was discarded before it was complete");
          }
        }
        if (!complete) {
          Thread.sleep(POLL_MILLIS);
        }
      }
    }
  }

  /** Closes the archive, when the follower is not used. */
  public void close() throws IOException {
    channel.close();
  }

  private boolean isPublished() throws IOException {
    if (store.manifest(backupId).isEmpty()) {
      return false;
    }
    try {
      Path published = store.open(backupId);
      return followed != null
          && followed.equals(Files.readAttributes(published, BasicFileAttributes.class).fileKey());
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private boolean isBeingWritten() throws IOException {
    try {
      return followed != null
          && followed.equals(Files.readAttributes(archive, BasicFileAttributes.class).fileKey());
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
