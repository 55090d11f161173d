package io.regionmove.sandbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The faults a sandbox region injects, so that tests and demos see what a flaky region does.
 *
 * <p>Each request the faults apply to draws once: with probability {@code hangRate} it hangs, else
 * with probability {@code errorRate} it is answered 503 {@code {"error":"injected fault"}}; every
 * request that does not hang is first delayed by a latency drawn uniformly from {@code [minLatency,
 * maxLatency]}.
 *
 * <p>Faults apply to every {@code /v1} request, and to router requests only when {@code router} is
 * true; the sandbox admin endpoints ({@code /_sandbox/...}) never fail, so faults can always be
 * turned off.
 *
 * @param errorRate share of requests answered 503, from 0 to 1
 * @param minLatency the least latency added to each request that does not hang
 * @param maxLatency the most latency added; equal to {@code minLatency} for a fixed latency
 * @param hangRate share of requests that hang: held open without an answer for {@code hangTime}
 *     (then 504), or until the region closes; {@code errorRate + hangRate} is at most 1
 * @param hangTime how long a hanging request is held
 * @param afterCommit false: the fault strikes before the request is handled, so a failed change
 *     never happened and a retry is safe; true: the request is handled (and any change saved) and
 *     only then is the answer replaced by the fault, as a region failing after its commit does
 * @param router whether router requests ({@code Host: <app>.<region>.localhost}) fail too
 * @param seed the seed of the draws, for a reproducible sequence of faults; null for a random one
 */
public record FaultOptions(
    double errorRate,
    Duration minLatency,
    Duration maxLatency,
    double hangRate,
    Duration hangTime,
    boolean afterCommit,
    boolean router,
    Long seed) {

  /**
   * The environment variable {@link SandboxCommand} reads, e.g. {@code
   * rate=0.3,latency=50-200,hang=0.01,after-commit}.
   */
  public static final String ENV = "REGIONMOVE_SANDBOX_FAULTS";

  public static final Duration DEFAULT_HANG_TIME = Duration.ofMinutes(5);

  /** No faults at all. */
  public static final FaultOptions NONE =
      new FaultOptions(0, Duration.ZERO, Duration.ZERO, 0, DEFAULT_HANG_TIME, false, false, null);

  public FaultOptions {
    Objects.requireNonNull(minLatency, "minLatency");
    Objects.requireNonNull(maxLatency, "maxLatency");
    Objects.requireNonNull(hangTime, "hangTime");
    rate("errorRate", errorRate);
    rate("hangRate", hangRate);
    if (errorRate + hangRate > 1.0 + 1e-9) {
      throw new IllegalArgumentException(
          "errorRate + hangRate must be at most 1, not " + (errorRate + hangRate) + ".");
    }
    if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
      throw new IllegalArgumentException(
          "The latency range must satisfy 0 <= min <= max, not "
              + minLatency.toMillis()
              + "-"
              + maxLatency.toMillis()
              + " ms.");
    }
    if (hangTime.isNegative() || hangTime.isZero()) {
      throw new IllegalArgumentException("hangTime must be positive, not " + hangTime + ".");
    }
  }

  /** {@link #NONE} with the given share of 503 answers. */
  public static FaultOptions errors(double rate) {
    return NONE.withErrorRate(rate);
  }

  /** Whether any request can be affected. */
  public boolean active() {
    return errorRate > 0 || hangRate > 0 || !maxLatency.isZero();
  }

  public FaultOptions withErrorRate(double rate) {
    return new FaultOptions(
        rate, minLatency, maxLatency, hangRate, hangTime, afterCommit, router, seed);
  }

  /** A fixed latency. */
  public FaultOptions withLatency(Duration latency) {
    return withLatency(latency, latency);
  }

  /** A latency drawn uniformly from {@code [min, max]}. */
  public FaultOptions withLatency(Duration min, Duration max) {
    return new FaultOptions(errorRate, min, max, hangRate, hangTime, afterCommit, router, seed);
  }

  public FaultOptions withHangRate(double rate) {
    return new FaultOptions(
        errorRate, minLatency, maxLatency, rate, hangTime, afterCommit, router, seed);
  }

  public FaultOptions withHangTime(Duration time) {
    return new FaultOptions(
        errorRate, minLatency, maxLatency, hangRate, time, afterCommit, router, seed);
  }

  public FaultOptions withAfterCommit(boolean after) {
    return new FaultOptions(
        errorRate, minLatency, maxLatency, hangRate, hangTime, after, router, seed);
  }

  public FaultOptions withRouter(boolean includeRouter) {
    return new FaultOptions(
        errorRate, minLatency, maxLatency, hangRate, hangTime, afterCommit, includeRouter, seed);
  }

  public FaultOptions withSeed(Long newSeed) {
    return new FaultOptions(
        errorRate, minLatency, maxLatency, hangRate, hangTime, afterCommit, router, newSeed);
  }

  /** The faults named by {@value #ENV}, or {@link #NONE} when it is unset or blank. */
  public static FaultOptions fromEnvironment() {
    String spec = System.getenv(ENV);
    return spec == null || spec.isBlank() ? NONE : parse(spec);
  }

  /**
   * Reads a comma-separated spec: {@code rate=0.3}, {@code latency=50} or {@code latency=50-200}
   * (ms), {@code hang=0.01}, {@code hang-time=300000} (ms, or with a unit: {@code 500ms}, {@code
   * 30s}, {@code 5m}), {@code after-commit}, {@code router}, {@code seed=42}. Unset items keep the
   * values of {@link #NONE}.
   *
   * @throws IllegalArgumentException naming the item that is wrong
   */
  public static FaultOptions parse(String spec) {
    FaultOptions faults = NONE;
    for (String raw : spec.split(",")) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? null : item.substring(eq + 1).trim();
      faults =
          switch (key) {
            case "rate" -> faults.withErrorRate(number(key, value));
            case "latency" -> faults.withLatencyRange(key, value);
            case "hang" -> faults.withHangRate(number(key, value));
            case "hang-time" -> faults.withHangTime(duration(key, value));
            case "seed" -> faults.withSeed(longValue(key, value));
            case "after-commit" -> faults.withAfterCommit(flag(key, value));
            case "router" -> faults.withRouter(flag(key, value));
            default ->
                throw new IllegalArgumentException(
                    "Unknown fault setting '"
                        + key
                        + "'; use rate, latency, hang, hang-time, seed, after-commit or router.");
          };
    }
    return faults;
  }

  /** {@code 50} for a fixed latency or {@code 50-200} for a range, in milliseconds. */
  public FaultOptions withLatencyMillis(String range) {
    return withLatencyRange("latency", range);
  }

  /** The spec {@link #parse} reads back into these options. */
  public String toSpec() {
    StringBuilder spec = new StringBuilder();
    spec.append("rate=").append(errorRate);
    spec.append(",latency=").append(minLatency.toMillis());
    if (!maxLatency.equals(minLatency)) {
      spec.append('-').append(maxLatency.toMillis());
    }
    spec.append(",hang=").append(hangRate).append(",hang-time=").append(hangTime.toMillis());
    if (afterCommit) {
      spec.append(",after-commit");
    }
    if (router) {
      spec.append(",router");
    }
    if (seed != null) {
      spec.append(",seed=").append(seed);
    }
    return spec.toString();
  }

  private FaultOptions withLatencyRange(String key, String value) {
    String text = required(key, value);
    int dash = text.indexOf('-', 1);
    long min = longValue(key, dash < 0 ? text : text.substring(0, dash));
    long max = dash < 0 ? min : longValue(key, text.substring(dash + 1));
    return withLatency(Duration.ofMillis(min), Duration.ofMillis(max));
  }

  private static void rate(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be from 0 to 1, not " + value + ".");
    }
  }

  private static String required(String key, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "The fault setting '" + key + "' needs a value, as in " + key + "=...");
    }
    return value;
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(required(key, value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "The fault setting '" + key + "' must be a number, not '" + value + "'.");
    }
  }

  private static long longValue(String key, String value) {
    try {
      return Long.parseLong(required(key, value).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "The fault setting '" + key + "' must be a whole number, not '" + value + "'.");
    }
  }

  private static boolean flag(String key, String value) {
    if (value == null || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "The fault setting '" + key + "' takes no value, or true or false.");
  }

  private static Duration duration(String key, String value) {
    String text = required(key, value).toLowerCase(Locale.ROOT);
    if (text.endsWith("ms")) {
      return Duration.ofMillis(longValue(key, text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofSeconds(longValue(key, text.substring(0, text.length() - 1)));
    }
    if (text.endsWith("m")) {
      return Duration.ofMinutes(longValue(key, text.substring(0, text.length() - 1)));
    }
    return Duration.ofMillis(longValue(key, text));
  }
}
