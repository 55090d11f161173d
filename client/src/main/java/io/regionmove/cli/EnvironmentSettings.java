package io.regionmove.cli;

import io.regionmove.model.MigrationSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The migration settings a user may give in the environment; a bad value is a usage error. */
final class EnvironmentSettings {

  private EnvironmentSettings() {}

  /**
   * REGIONMOVE_IDLE_LIMIT, REGIONMOVE_REDIRECT_WINDOW, REGIONMOVE_HEARTBEAT_TIMEOUT as ISO-8601
   * durations (PT30S, P7D).
   */
  static MigrationSettings read() {
    return new MigrationSettings(
        duration("REGIONMOVE_IDLE_LIMIT"),
        duration("REGIONMOVE_REDIRECT_WINDOW"),
        duration("REGIONMOVE_HEARTBEAT_TIMEOUT"));
  }

  private static Duration duration(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      String v = value.trim().toUpperCase(Locale.ROOT);
      return v.startsWith("P")
          ? Duration.parse(v)
          : Duration.parse(v.contains("D") ? "P" + v : "PT" + v);
    } catch (DateTimeParseException e) {
      throw new CliException(
          ExitCodes.USAGE,
          variable
              + " is '"
              + value
              + "', which is not a duration; use ISO-8601 such as P7D, PT12H or 30s.");
    }
  }
}
