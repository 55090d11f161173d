package io.regionmove.model;

import java.time.Duration;

/**
 * Durations a migration runs with, fixed when it is created (REGIONMOVE_IDLE_LIMIT,
 * REGIONMOVE_REDIRECT_WINDOW, REGIONMOVE_HEARTBEAT_TIMEOUT).
 *
 * @param idleLimit how long the workflow waits for the next step before aborting on its own
 * @param redirectWindow how long the old URL redirects to the new one after finalize
 * @param heartbeatTimeout how soon a silent long activity is retried, and so how fast abort stops
 *     it
 */
public record MigrationSettings(
    Duration idleLimit, Duration redirectWindow, Duration heartbeatTimeout) {

  public static final Duration DEFAULT_IDLE_LIMIT = Duration.ofDays(7);
  public static final Duration DEFAULT_REDIRECT_WINDOW = Duration.ofDays(30);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  public MigrationSettings {
    idleLimit = positiveOr(idleLimit, DEFAULT_IDLE_LIMIT);
    redirectWindow = positiveOr(redirectWindow, DEFAULT_REDIRECT_WINDOW);
    heartbeatTimeout = positiveOr(heartbeatTimeout, DEFAULT_HEARTBEAT_TIMEOUT);
  }

  public static MigrationSettings defaults() {
    return new MigrationSettings(null, null, null);
  }

  private static Duration positiveOr(Duration value, Duration fallback) {
    return value == null || value.isZero() || value.isNegative() ? fallback : value;
  }
}
