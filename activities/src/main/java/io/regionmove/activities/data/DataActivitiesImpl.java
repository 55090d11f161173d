package io.regionmove.activities.data;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.CopyDirection;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.FailureType;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The data activities: each call goes to the {@link DataEngine} of the addon's provider, which does
 * the work. An addon whose provider has no engine fails for good, with a sentence saying so.
 *
 * <p>Each call copies the way its input says ({@link CopyDirection}): forward for the data step,
 * back for a rollback, which backs the destination addon up and restores it into the source addon;
 * the engines read the two sides through {@link AddonDatabases#fromUrl} and {@link
 * AddonDatabases#toUrl}, so every engine copies back as it copies forward.
 *
 * <p>Every method is idempotent: a backup that is already complete is returned as it is, a restore
 * cleans whatever an interrupted attempt left before restoring again, a verification only reads.
 * Long calls heartbeat a {@link DataProgress}; when the activity is cancelled the heartbeat throws,
 * and the running tool and its children are killed at once, its partial output deleted. Database
 * URLs and passwords never appear in results, logs or failure messages.
 */
public final class DataActivitiesImpl implements DataActivities {

  /** Ends the backup id of a rollback's copy back of an addon. */
  static final String BACK_SUFFIX = ".back";

  private final Engines engines;
  private final Duration heartbeatInterval;

  /**
   * @param heartbeatInterval how often long calls report progress, and so how soon a cancellation
   *     is noticed
   */
  public DataActivitiesImpl(Engines engines, Duration heartbeatInterval) {
    this.engines = Objects.requireNonNull(engines, "engines");
    this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
  }

  /**
   * Every engine regionmove has ({@link Engines#standard}).
   *
   * @param pgBinDir directory of pg_dump and pg_restore; null to find them ({@link
   *     io.regionmove.activities.data.postgres.PostgresTools#locate()}); when none are found, each
   *     call that needs them fails with a sentence saying how to install them
   */
  public DataActivitiesImpl(
      AddonDatabases databases, BackupStore store, Path pgBinDir, DataOptions options) {
    this(
        Engines.standard(databases, store, pgBinDir, orDefaults(options)),
        orDefaults(options).heartbeatInterval());
  }

  /** Every engine, finding the PostgreSQL tools, with {@link DataOptions#defaults()}. */
  public DataActivitiesImpl(AddonDatabases databases, BackupStore store) {
    this(databases, store, null, DataOptions.defaults());
  }

  @Override
  public BackupResult backupAddon(AddonInput input) {
    DataEngine engine = engineFor(input);
    return engine.backup(input, backupId(input), heartbeat());
  }

  @Override
  public StepResult deleteBackup(AddonInput input) {
    DataEngine engine = engineFor(input);
    return engine.cleanUp(input, backupId(input));
  }

  @Override
  public StepResult restoreAddon(RestoreInput input) {
    AddonInput addon = input == null ? null : input.addon();
    DataEngine engine = engineFor(addon);
    String backupId = input.backupId() != null ? input.backupId() : backupId(addon);
    return engine.restore(addon, backupId, input.whileBackingUp(), heartbeat());
  }

  @Override
  public VerifyResult verifyAddon(AddonInput input) {
    DataEngine engine = engineFor(input);
    Verification verification = engine.verify(input, heartbeat());
    if (!verification.matches()) {
      throw ApplicationFailure.newNonRetryableFailure(
          verification.mismatch(input.addon().id()), FailureType.VERIFICATION_FAILED.name());
    }
    return new VerifyResult(
        verification.tables(), verification.rows(), List.of(verification.summary()));
  }

  private DataEngine engineFor(AddonInput input) {
    if (input == null || input.move() == null || input.addon() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "A data activity needs the move and the addon it concerns",
          FailureType.INVALID_REQUEST.name());
    }
    return engines.require(input.addon());
  }

  private static DataOptions orDefaults(DataOptions options) {
    return options == null ? DataOptions.defaults() : options;
  }

  /**
   * The backup of the copy {@code input} makes: a rollback's backup of the destination addon has an
   * id of its own, so it never passes for the data step's backup of the source addon (which a
   * backup finds complete and keeps as it is).
   */
  static String backupId(AddonInput input) {
    String addonId = input.addon().id();
    return BackupStore.backupId(
        input.move().migrationId(),
        input.direction() == CopyDirection.BACK ? addonId + BACK_SUFFIX : addonId);
  }

  private Heartbeat heartbeat() {
    return Heartbeat.of(Activity.getExecutionContext(), heartbeatInterval);
  }
}
