package io.regionmove.activities.data;

/**
 * Heartbeat details of the data activities, as Temporal Web and {@code migration-follow} show them.
 *
 * @param addon the source addon whose data this is (several move at once)
 * @param stage what the activity is doing: {@code dumping}, {@code checking backup}, {@code
 *     restoring}, {@code waiting for the backup}, {@code restoring while backing up}, {@code
 *     verifying}
 * @param bytes bytes of archive written (backup) or read (restore) so far
 * @param done units dumped, restored or compared so far
 * @param total units in all; 0 when not known
 * @param unit what the engine counts, plural: {@code tables} (SQL engines), {@code keys} (Redis)
 */
public record DataProgress(
    String addon, String stage, long bytes, int done, int total, String unit) {

  public static final String TABLES = "tables";
  public static final String KEYS = "keys";

  public DataProgress {
    unit = unit == null ? TABLES : unit;
  }

  /** Progress counted in tables. */
  public DataProgress(String addon, String stage, long bytes, int tablesDone, int tables) {
    this(addon, stage, bytes, tablesDone, tables, TABLES);
  }
}
