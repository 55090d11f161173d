package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.regionmove.testkit.TestDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a CLI daemon idles, and when its Temporal client's files changed. */
class CliDaemonTest {

  @Test
  void theIdleTimeIsSecondsOrAnIsoDurationElseFifteenMinutes() {
    assertEquals(Duration.ofMinutes(15), CliDaemon.idle(null));
    assertEquals(Duration.ofMinutes(15), CliDaemon.idle(" "));
    assertEquals(Duration.ofSeconds(3), CliDaemon.idle("3"));
    assertEquals(Duration.ofMinutes(2), CliDaemon.idle("pt2m"));
    assertEquals(Duration.ofMinutes(15), CliDaemon.idle("soon"));
    assertEquals(Duration.ofMinutes(15), CliDaemon.idle("-PT1M"));
  }

  @Test
  void aRenewedCertificateChangesTheStamp() throws IOException {
    Path directory = TestDirectory.create("CliDaemonTest");
    try {
      Path certificate = Files.writeString(directory.resolve("client.pem"), "old");
      Path missing = directory.resolve("temporal.toml");
      List<Path> files = List.of(missing, certificate);
      String stamp = WarmTemporal.stamp(files);
      assertEquals(stamp, WarmTemporal.stamp(files));
      Files.writeString(certificate, "renewed");
      Files.setLastModifiedTime(certificate, FileTime.fromMillis(1_000_000_000_000L));
      String renewed = WarmTemporal.stamp(files);
      assertNotEquals(stamp, renewed);
      Files.writeString(missing, "[profile.default]\n");
      assertNotEquals(renewed, WarmTemporal.stamp(files));
    } finally {
      TestDirectory.delete(directory);
    }
  }
}
