package io.regionmove.sandbox.postgres;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Being the one process that owns a cluster: a lock on {@code <dir>/owner.lock}, which the
 * operating system releases when the process ends, however it ends (SIGKILL included).
 */
final class ClusterOwnership {

  private static final Logger log = LoggerFactory.getLogger(ClusterOwnership.class);
  private static final String LOCK_FILE = "owner.lock";

  /**
   * The directories this JVM owns. A second lock on the file from this JVM would fail, and closing
   * the channel opened for it would drop the owner's lock (POSIX locks belong to the process), so
   * the JVM looks here first.
   */
  private static final Set<Path> OWNED_HERE = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;

  private ClusterOwnership(Path dir, FileChannel channel) {
    this.dir = dir;
    this.channel = channel;
  }

  /** Ownership of the cluster in {@code dir}; empty when a live process, maybe this one, has it. */
  static Optional<ClusterOwnership> claim(Path dir) throws IOException {
    if (!OWNED_HERE.add(dir)) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new ClusterOwnership(dir, channel));
      }
      channel.close();
      OWNED_HERE.remove(dir);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      OWNED_HERE.remove(dir);
      throw e;
    }
  }

  void release() {
    try {
      channel.close();
    } catch (IOException e) {
      log.warn("Could not release {}: {}", dir.resolve(LOCK_FILE), e.getMessage());
    } finally {
      OWNED_HERE.remove(dir);
    }
  }
}
