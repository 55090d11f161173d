package io.regionmove.activities.data.redis;

/**
 * How the redis jobs batch their commands.
 *
 * @param scanCount keys asked of each {@code SCAN} page, and so {@code DUMP}s per pipeline
 * @param restoreBatch {@code RESTORE}s per pipeline at most
 * @param restoreBatchBytes payload bytes per {@code RESTORE} pipeline at most
 */
record RedisTuning(int scanCount, int restoreBatch, int restoreBatchBytes) {

  static RedisTuning defaults() {
    return new RedisTuning(1_000, 1_000, 8 << 20);
  }
}
