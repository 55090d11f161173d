package io.regionmove.activities.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps backups in a local (or shared) directory: {@code <root>/<migrationId>/<addonId>/} holds the
 * archive and {@code manifest.json}. A backup is written under a hidden staging name in the same
 * directory and renamed into place once complete, so a crash leaves only a staging directory, which
 * the next attempt or {@link #delete} removes.
 */
public final class DirectoryBackupStore implements BackupStore {

  /** The environment variable naming the root directory. */
  public static final String ROOT_VARIABLE = "REGIONMOVE_BACKUP_DIR";

  /** The root used when {@value #ROOT_VARIABLE} is unset, relative to the working directory. */
  public static final String DEFAULT_ROOT = ".regionmove/backups";

  static final String MANIFEST = "manifest.json";
  private static final String STAGING_MARK = ".staging-";
  private static final String REPLACED_MARK = "replaced-";
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}");

  private final Path root;
  private final ObjectMapper json =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          // A manifest written by a newer worker stays readable.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  public DirectoryBackupStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The store at {@code REGIONMOVE_BACKUP_DIR}, or {@code .regionmove/backups}. */
  public static DirectoryBackupStore fromEnvironment() {
    String configured = System.getenv(ROOT_VARIABLE);
    return new DirectoryBackupStore(
        Path.of(configured == null || configured.isBlank() ? DEFAULT_ROOT : configured));
  }

  public Path root() {
    return root;
  }

  @Override
  public String toString() {
    return "the backup directory " + root;
  }

  @Override
  public Path stage(String backupId) throws IOException {
    Location where = locate(backupId);
    Files.createDirectories(where.parent());
    Path staging = where.parent().resolve("." + where.name() + STAGING_MARK + UUID.randomUUID());
    return Files.createDirectory(staging);
  }

  @Override
  public void put(String backupId, Path archive, BackupManifest manifest) throws IOException {
    Location where = locate(backupId);
    Path staging = archive.getParent();
    if (staging == null
        || !staging.getParent().equals(where.parent())
        || !staging.getFileName().toString().startsWith("." + where.name() + STAGING_MARK)) {
      throw new IllegalArgumentException("the archive was not written in this backup's staging");
    }
    if (manifest.entry() == null || !SEGMENT.matcher(manifest.entry()).matches()) {
      throw new IllegalArgumentException("unusable archive entry name: " + manifest.entry());
    }
    Path entry = staging.resolve(manifest.entry());
    if (!archive.equals(entry)) {
      Files.move(archive, entry);
    }
    Path manifestFile = staging.resolve(MANIFEST);
    try (OutputStream out = Files.newOutputStream(manifestFile)) {
      json.writeValue(out, manifest);
    }
    syncTree(staging);
    Path target = where.directory();
    if (Files.exists(target)) {
      Path old =
          where
              .parent()
              .resolve("." + where.name() + STAGING_MARK + REPLACED_MARK + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the backup directory does not support atomic renames", e);
    }
    syncDirectory(where.parent());
  }

  @Override
  public void discard(Path staging) throws IOException {
    if (staging != null) {
      deleteTree(staging);
    }
  }

  @Override
  public Optional<BackupManifest> manifest(String backupId) throws IOException {
    Location where = locate(backupId);
    Path manifestFile = where.directory().resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      return Optional.empty();
    }
    BackupManifest manifest;
    try {
      manifest = json.readValue(manifestFile.toFile(), BackupManifest.class);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (manifest.entry() == null
        || !SEGMENT.matcher(manifest.entry()).matches()
        || manifest.sha256() == null
        || !Files.exists(where.directory().resolve(manifest.entry()))) {
      return Optional.empty();
    }
    return Optional.of(manifest);
  }

  @Override
  public Optional<Path> archiveBeingWritten(String backupId, String entry) throws IOException {
    Location where = locate(backupId);
    if (!Files.isDirectory(where.parent())) {
      return Optional.empty();
    }
    String prefix = "." + where.name() + STAGING_MARK;
    Path newest = null;
    FileTime newestTime = null;
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(where.parent())) {
      for (Path sibling : siblings) {
        String name = sibling.getFileName().toString();
        if (!name.startsWith(prefix) || name.startsWith(prefix + REPLACED_MARK)) {
          continue;
        }
        Path archive = sibling.resolve(entry);
        try {
          FileTime modified = Files.getLastModifiedTime(archive);
          if (newestTime == null || modified.compareTo(newestTime) > 0) {
            newest = archive;
            newestTime = modified;
          }
        } catch (NoSuchFileException e) {
          // an attempt that has not started writing, or was discarded meanwhile
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  @Override
  public Path open(String backupId) throws IOException {
    BackupManifest manifest =
        manifest(backupId)
            .orElseThrow(() -> new NoSuchFileException("no complete backup " + backupId));
    return locate(backupId).directory().resolve(manifest.entry());
  }

  @Override
  public boolean delete(String backupId) throws IOException {
    Location where = locate(backupId);
    if (!Files.isDirectory(where.parent())) {
      return false;
    }
    boolean deleted = false;
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(where.parent())) {
      for (Path sibling : siblings) {
        String name = sibling.getFileName().toString();
        if (name.equals(where.name()) || name.startsWith("." + where.name() + STAGING_MARK)) {
          deleteTree(sibling);
          deleted = true;
        }
      }
    }
    try {
      Files.deleteIfExists(where.parent());
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // other addons of the same migration are still there
    }
    return deleted;
  }

  private Location locate(String backupId) {
    int slash = backupId == null ? -1 : backupId.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("a backup id is <migrationId>/<addonId>: " + backupId);
    }
    String migration = backupId.substring(0, slash);
    String addon = backupId.substring(slash + 1);
    if (!SEGMENT.matcher(migration).matches() || !SEGMENT.matcher(addon).matches()) {
      throw new IllegalArgumentException("unusable backup id: " + backupId);
    }
    Path parent = root.resolve(migration);
    return new Location(parent, addon);
  }

  private record Location(Path parent, String name) {
    Path directory() {
      return parent.resolve(name);
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void syncTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    }
    syncDirectory(dir);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be synced; the rename is still atomic.
    }
  }
}
