package io.regionmove.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The working directories of the integration tests: under the module's {@code target/}, where a
 * failed run's logs are easy to find, and open to the {@code postgres} user (a JUnit
 * {@code @TempDir} is private to the user running the tests).
 */
public final class TestDirectory {

  private TestDirectory() {}

  /** A new directory {@code target/<name>-<digits>}. */
  public static Path create(String name) {
    try {
      Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
      Path dir = Files.createTempDirectory(target, name + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a test directory: " + e.getMessage(), e);
    }
  }

  /** Deletes {@code dir} and all it holds; a file that cannot be deleted is left. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
