package io.regionmove.activities.data.live;

import java.time.Duration;

/**
 * How live mode paces itself.
 *
 * @param heartbeatInterval how often long calls report progress (and the lag), and so how soon a
 *     cancellation is noticed
 * @param lagGateBytes the cutover waits until the replication lag is at most this
 * @param lagGateWait how long it waits for that before giving up, the source untouched
 * @param catchUpTimeout how long a marker may take to reach the destination
 * @param maxRounds checks before the freeze: the first of every row, the next ones of the rows
 *     changed since the previous
 * @param fewRows a round leaving at most this many changed rows is the last: the frozen window
 *     checks them
 * @param largeObjectLimit live mode copies large objects while writes are refused; above this total
 *     size it is refused
 */
public record LiveOptions(
    Duration heartbeatInterval,
    long lagGateBytes,
    Duration lagGateWait,
    Duration catchUpTimeout,
    int maxRounds,
    long fewRows,
    long largeObjectLimit) {

  public static LiveOptions defaults() {
    return new LiveOptions(
        Duration.ofSeconds(2),
        16L << 20,
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        5,
        800,
        64L << 20);
  }

  public LiveOptions withHeartbeatInterval(Duration interval) {
    return new LiveOptions(
        interval, lagGateBytes, lagGateWait, catchUpTimeout, maxRounds, fewRows, largeObjectLimit);
  }

  public LiveOptions withLagGate(long bytes, Duration wait) {
    return new LiveOptions(
        heartbeatInterval, bytes, wait, catchUpTimeout, maxRounds, fewRows, largeObjectLimit);
  }

  public LiveOptions withRounds(int rounds, long few) {
    return new LiveOptions(
        heartbeatInterval,
        lagGateBytes,
        lagGateWait,
        catchUpTimeout,
        rounds,
        few,
        largeObjectLimit);
  }
}
