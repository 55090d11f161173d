package io.regionmove.activities.data;

import java.time.Duration;
import java.util.Map;

/**
 * How long the data step takes per GB (2^30 bytes, as {@code pg_database_size} counts them) on this
 * worker's machines, for a dry run's estimate. The default is the stop-and-copy time measured on
 * the project's 2-core machine (bench/RESULTS.md: 17.75 s per GB for backup, restore and
 * verification); {@value #VARIABLE} sets the figure measured on yours.
 */
public record CopyRate(Duration perGigabyte) {

  public static final String VARIABLE = "REGIONMOVE_DATA_SECONDS_PER_GB";
  public static final CopyRate MEASURED = new CopyRate(Duration.ofSeconds(18));

  private static final double GIGABYTE = 1024.0 * 1024 * 1024;

  public CopyRate {
    if (perGigabyte == null || perGigabyte.isNegative() || perGigabyte.isZero()) {
      throw new IllegalArgumentException("the data step's time per GB must be positive");
    }
  }

  /** {@value #VARIABLE} (seconds, decimals allowed), else {@link #MEASURED}. */
  public static CopyRate fromEnvironment() {
    return from(System.getenv());
  }

  static CopyRate from(Map<String, String> env) {
    String value = env.get(VARIABLE);
    if (value == null || value.isBlank()) {
      return MEASURED;
    }
    try {
      double seconds = Double.parseDouble(value.trim());
      if (seconds > 0 && seconds < 1e9) {
        return new CopyRate(Duration.ofMillis(Math.round(seconds * 1000)));
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        VARIABLE + " is '" + value + "', which is not a positive number of seconds, such as 18.");
  }

  /** The time to copy {@code bytes}, rounded up to the second. */
  public Duration timeFor(long bytes) {
    double millis = Math.max(0, bytes) / GIGABYTE * perGigabyte.toMillis();
    return Duration.ofSeconds((long) Math.ceil(millis / 1000));
  }
}
