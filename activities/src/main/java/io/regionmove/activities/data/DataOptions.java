package io.regionmove.activities.data;

import java.time.Duration;

/**
 * How the data activities run their tools.
 *
 * @param jobs parallel jobs of pg_dump (directory format) and pg_restore
 * @param format the archive format of new backups
 * @param compression gzip level of the archive, 0 to 9 (1 costs little CPU and still shrinks the
 *     archive several times)
 * @param heartbeatInterval how often a running tool's progress is reported, and so how soon a
 *     cancellation is noticed
 * @param dumpSettings {@code PGOPTIONS} of pg_dump's sessions
 * @param restoreSettings {@code PGOPTIONS} of pg_restore's sessions
 * @param backupStartWait how long a restore asked to follow a backup waits for it to appear in the
 *     backup store before failing (the source's worker is down, or the two workers do not share the
 *     store)
 */
public record DataOptions(
    int jobs,
    DumpFormat format,
    int compression,
    Duration heartbeatInterval,
    String dumpSettings,
    String restoreSettings,
    Duration backupStartWait) {

  public static final String DEFAULT_DUMP_SETTINGS = "-c client_connection_check_interval=2000";
  public static final String DEFAULT_RESTORE_SETTINGS =
      "-c synchronous_commit=off -c client_connection_check_interval=2000";

  public static final Duration DEFAULT_BACKUP_START_WAIT = Duration.ofMinutes(10);

  public DataOptions {
    jobs = Math.max(1, jobs);
    format = format == null ? DumpFormat.CUSTOM : format;
    compression = Math.min(9, Math.max(0, compression));
    heartbeatInterval =
        heartbeatInterval == null || heartbeatInterval.isZero() || heartbeatInterval.isNegative()
            ? Duration.ofSeconds(2)
            : heartbeatInterval;
    dumpSettings = dumpSettings == null ? DEFAULT_DUMP_SETTINGS : dumpSettings;
    restoreSettings = restoreSettings == null ? DEFAULT_RESTORE_SETTINGS : restoreSettings;
    backupStartWait =
        backupStartWait == null || backupStartWait.isNegative()
            ? DEFAULT_BACKUP_START_WAIT
            : backupStartWait;
  }

  /**
   * Custom format, which a restore can follow while pg_dump writes it; gzip level 1; as many
   * restore jobs as cores (at most 4) for a restore from a complete backup; a 2 s heartbeat.
   */
  public static DataOptions defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new DataOptions(
        Math.min(4, cores), DumpFormat.CUSTOM, 1, Duration.ofSeconds(2), null, null, null);
  }

  public DataOptions withJobs(int jobs) {
    return new DataOptions(
        jobs,
        format,
        compression,
        heartbeatInterval,
        dumpSettings,
        restoreSettings,
        backupStartWait);
  }

  public DataOptions withFormat(DumpFormat format) {
    return new DataOptions(
        jobs,
        format,
        compression,
        heartbeatInterval,
        dumpSettings,
        restoreSettings,
        backupStartWait);
  }

  public DataOptions withCompression(int compression) {
    return new DataOptions(
        jobs,
        format,
        compression,
        heartbeatInterval,
        dumpSettings,
        restoreSettings,
        backupStartWait);
  }

  public DataOptions withHeartbeatInterval(Duration interval) {
    return new DataOptions(
        jobs, format, compression, interval, dumpSettings, restoreSettings, backupStartWait);
  }

  public DataOptions withBackupStartWait(Duration wait) {
    return new DataOptions(
        jobs, format, compression, heartbeatInterval, dumpSettings, restoreSettings, wait);
  }
}
