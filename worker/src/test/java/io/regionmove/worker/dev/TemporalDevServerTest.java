package io.regionmove.worker.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.worker.TemporalUnreachableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one {@code temporal server start-dev} command line, as {@code regionmove dev} and the tests
 * run it, checked with stand-in executables ({@code true}, {@code false}) instead of the CLI.
 */
class TemporalDevServerTest {

  private static final Path TRUE = Path.of("/bin/true");
  private static final Path FALSE = Path.of("/bin/false");

  @TempDir Path dir;

  @Test
  void devStackServerKeepsItsStateInTheFileServesTemporalWebAndRegistersTheSearchAttributes() {
    Path db = dir.resolve("temporal.db");
    try (TemporalDevServer server =
        TemporalDevServer.start(
            TRUE, new TemporalDevServer.Options(17233, 18233, db, dir.resolve("temporal.log")))) {
      List<String> command = server.command();
      assertEquals(
          List.of(TRUE.toString(), "server", "start-dev", "--ip", "127.0.0.1", "--port", "17233"),
          command.subList(0, 7));
      assertTrue(contains(command, "--ui-port", "18233"), command.toString());
      assertTrue(contains(command, "--db-filename", db.toString()), command.toString());
      assertFalse(command.contains("--headless"), command.toString());
      for (String attribute :
          List.of(
              "RegionMigrationApp",
              "RegionMigrationSource",
              "RegionMigrationDestination",
              "RegionMigrationStatus")) {
        assertTrue(
            contains(command, "--search-attribute", attribute + "=Keyword"), command.toString());
      }
      assertEquals("127.0.0.1:17233", server.address());
      assertEquals(Optional.of("http://127.0.0.1:18233"), server.webUrl());
    }
  }

  @Test
  void serverWithoutUiPortOrFileRunsHeadlessInMemory() {
    try (TemporalDevServer server =
        TemporalDevServer.start(
            TRUE, new TemporalDevServer.Options(17234, 0, null, dir.resolve("temporal.log")))) {
      List<String> command = server.command();
      assertTrue(command.contains("--headless"), command.toString());
      assertFalse(command.contains("--ui-port"), command.toString());
      assertFalse(command.contains("--db-filename"), command.toString());
      assertEquals(Optional.empty(), server.webUrl());
    }
  }

  @Test
  void serverThatExitsAtStartIsReportedInOneSentenceNamingItsLog() {
    Path log = dir.resolve("temporal.log");
    int port = FreePorts.find();
    int uiPort = FreePorts.find();
    try (TemporalDevServer server =
        TemporalDevServer.start(FALSE, new TemporalDevServer.Options(port, uiPort, null, log))) {
      TemporalUnreachableException e =
          assertThrows(
              TemporalUnreachableException.class, () -> server.awaitReady(Duration.ofSeconds(30)));
      assertEquals(
          "The Temporal dev server exited at start (code 1; is port "
              + port
              + " or "
              + uiPort
              + " taken?); see "
              + log
              + ".",
          e.getMessage());
      assertEquals("127.0.0.1:" + port, e.address());
    }
  }

  private static boolean contains(List<String> command, String option, String value) {
    int at = command.indexOf(option);
    while (at >= 0) {
      if (at + 1 < command.size() && command.get(at + 1).equals(value)) {
        return true;
      }
      int next = command.subList(at + 1, command.size()).indexOf(option);
      at = next < 0 ? -1 : at + 1 + next;
    }
    return false;
  }
}
