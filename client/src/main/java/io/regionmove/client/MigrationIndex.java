package io.regionmove.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.regionmove.regionapi.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The migrations this machine created, kept in {@code <home>/migrations.json}. {@link
 * MigrationClient#list} reads it only when the server has no visibility queries (the Java test
 * server answers them UNIMPLEMENTED).
 */
public final class MigrationIndex {

  /** One migration as it was created. */
  public record Entry(String id, String app, String source, String destination) {}

  /**
   * The file lock keeps processes apart; this keeps apart the threads of one (the CLI daemon runs
   * commands side by side), as the JVM refuses a second lock on a file it already holds.
   */
  private static final Object WRITES = new Object();

  private final Path file;

  public MigrationIndex(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public void add(Entry entry) {
    addAll(List.of(entry));
  }

  /** Adds the entries in one write (a batch's migrations). */
  public void addAll(List<Entry> added) {
    synchronized (WRITES) {
      write(added);
    }
  }

  private void write(List<Entry> added) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        List<Entry> entries = new ArrayList<>(read());
        entries.addAll(added);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.pretty().writeValueAsString(entries));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the migration index " + file + ": " + e.getMessage(), e);
    }
  }

  public List<Entry> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Json.mapper().readValue(file.toFile(), new TypeReference<List<Entry>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the migration index " + file + ": " + e.getMessage(), e);
    }
  }

  public List<Entry> find(String app, String source) {
    return read().stream().filter(e -> e.app().equals(app) && e.source().equals(source)).toList();
  }
}
