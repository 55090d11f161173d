package io.regionmove.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regionmove.model.Check;
import io.regionmove.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordingTest {

  private static final MigrationRequest REQUEST =
      new MigrationRequest("id-1", "my-app", "my-app-2", "agora-fr1", "osc-fr1", null);

  @Test
  void passedChecksReadAsSentencesThatNameTheAppAndRegions() {
    assertEquals(
        List.of(
            "App my-app exists in region agora-fr1.",
            "It is running or stopped, so it can be moved.",
            "No other migration is moving it.",
            "None of its TLS certificates has expired.",
            "Region osc-fr1 is configured and is not the source region.",
            "The name my-app-2 is free in region osc-fr1.",
            "Region osc-fr1 offers the plan and version of every addon."),
        Wording.describe(
            List.of(
                Check.passed("app-exists"),
                Check.passed("app-status"),
                Check.passed("not-migrating"),
                Check.passed("tls-certificates"),
                Check.passed("destination-region"),
                Check.passed("destination-name"),
                Check.passed("addons-offered")),
            REQUEST));
  }

  @Test
  void failedChecksReadAsTheirOwnSentenceAndUnknownChecksStillReadAsSentences() {
    assertEquals(
        List.of(
            "App my-app in region agora-fr1 is crashed; only a running or stopped app can be moved.",
            "Check wal-level passed."),
        Wording.describe(
            List.of(
                Check.failed(
                    "app-status",
                    "App my-app in region agora-fr1 is crashed; only a running or stopped app can"
                        + " be moved"),
                Check.passed("wal-level")),
            REQUEST));
  }
}
