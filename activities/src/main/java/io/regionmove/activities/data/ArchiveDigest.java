package io.regionmove.activities.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Size and SHA-256 of an archive, a single file or a directory of files. */
public final class ArchiveDigest {

  private ArchiveDigest() {}

  /** Total size in bytes; tolerates files vanishing while a dump is still writing. */
  public static long size(Path archive) {
    if (Files.isRegularFile(archive)) {
      try {
        return Files.size(archive);
      } catch (IOException e) {
        return 0;
      }
    }
    if (!Files.isDirectory(archive)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(archive)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /**
   * Hex SHA-256 of a file; of a directory, the digest of each file's relative name and contents in
   * name order, so the same directory always gives the same digest.
   */
  public static String sha256(Path archive) throws IOException {
    MessageDigest digest = newDigest();
    if (Files.isDirectory(archive)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(archive)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : files) {
        digest.update(archive.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        feed(digest, file);
      }
    } else {
      feed(digest, archive);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void feed(MessageDigest digest, Path file) throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }
}
