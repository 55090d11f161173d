package io.regionmove.cli;

import io.regionmove.model.ScheduledStep;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time of {@code migration-run --at}: an ISO-8601 instant with its zone ({@code
 * 2026-12-01T02:00:00Z}, {@code 2026-12-01T03:00:00+01:00}) or a delay from now ({@code +30s},
 * {@code +15m}, {@code +2h}, {@code +1d}), in the next {@link ScheduledStep#MAX_AHEAD}. Anything
 * else is a usage error (exit 2) with one sentence, before anything is asked of Temporal.
 */
final class StepTime {

  private static final Pattern DELAY = Pattern.compile("\\+(\\d{1,7})([smhd])");

  private StepTime() {}

  static Instant parse(String value, Instant now) {
    String text = value == null ? "" : value.strip();
    Instant at = delay(text, now);
    if (at == null) {
      at = instant(text);
    }
    if (at == null) {
      throw usage(
          "--at '"
              + shown(text)
              + "' is not a time; give an ISO-8601 instant with its zone such as"
              + " 2026-12-01T02:00:00Z, or a delay such as +30s, +15m, +2h or +1d.");
    }
    if (!at.isAfter(now)) {
      throw usage("--at " + text + " is in the past; give a time within the next 30 days.");
    }
    if (at.isAfter(now.plus(ScheduledStep.MAX_AHEAD))) {
      throw usage(
          "--at " + text + " is more than 30 days ahead; give a time within the next 30 days.");
    }
    return at;
  }

  private static Instant delay(String text, Instant now) {
    Matcher m = DELAY.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    Duration delay =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    return now.plus(delay).truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  private static String shown(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static CliException usage(String sentence) {
    return new CliException(ExitCodes.USAGE, sentence);
  }
}
