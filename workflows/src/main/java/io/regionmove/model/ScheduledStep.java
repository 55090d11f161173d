package io.regionmove.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A user step to run later (SPEC §10 {@code migration-run --data|--finalize --at TIME}): the input
 * of the {@code schedule} update and signal, and the {@code scheduled} field of the migration while
 * it waits.
 *
 * @param step {@link Phase#DATA} or {@link Phase#FINALIZE}
 * @param at when the step runs, at most {@link #MAX_AHEAD} after it was scheduled
 */
public record ScheduledStep(Phase step, Instant at) {

  /** How far ahead a step may be scheduled. */
  public static final Duration MAX_AHEAD = Duration.ofDays(30);

  /** Whether {@code step} is one that can be scheduled. */
  public static boolean schedulable(Phase step) {
    return step == Phase.DATA || step == Phase.FINALIZE;
  }
}
