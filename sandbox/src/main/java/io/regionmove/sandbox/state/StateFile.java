package io.regionmove.sandbox.state;

import io.regionmove.regionapi.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The JSON file {@code <stateDir>/<region>.json}. Each save writes a temporary file next to it and
 * renames it over the old one, so a crash leaves either the old or the new state, never half of
 * one.
 */
public final class StateFile {

  private final Path file;

  public StateFile(Path stateDir, String region) {
    this.file = stateDir.toAbsolutePath().resolve(region + ".json");
  }

  public Path path() {
    return file;
  }

  public RegionState load(String region) {
    try {
      if (!Files.exists(file)) {
        RegionState fresh = new RegionState();
        fresh.region = region;
        return fresh;
      }
      RegionState state = Json.mapper().readValue(file.toFile(), RegionState.class);
      if (!region.equals(state.region)) {
        throw new IllegalStateException(
            "The state file "
                + file
                + " belongs to region '"
                + state.region
                + "', not '"
                + region
                + "'.");
      }
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not read the region state " + file + ": " + e.getMessage(), e);
    }
  }

  public void save(RegionState state) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel out =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(ByteBuffer.wrap(Json.pretty().writeValueAsBytes(state)));
        out.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write the region state " + file + ": " + e.getMessage(), e);
    }
  }
}
