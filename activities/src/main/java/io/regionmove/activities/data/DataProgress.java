package io.regionmove.activities.data;

/**
 * Heartbeat details of the data activities, as Temporal Web shows them.
 *
 * @param addon the source addon whose data this is (several move at once)
 * @param stage what the activity is doing: {@code dumping}, {@code checking backup}, {@code
 *     restoring}, {@code waiting for the backup}, {@code restoring while backing up}, {@code
 *     verifying}
 * @param bytes bytes of archive written (backup) or read (restore) so far
 * @param tablesDone tables dumped, restored or compared so far
 * @param tables tables in all
 */
public record DataProgress(String addon, String stage, long bytes, int tablesDone, int tables) {}
