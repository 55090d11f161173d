package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnginesTest {

  private static final MoveInput MOVE =
      new MoveInput("m-1", "agora-fr1", "my-app", "osc-fr1", "my-app");
  private static final AddonInput REDIS =
      new AddonInput(MOVE, new Addon("r-1", "redis", "small", "7"));
  private static final AddonInput MYSQL =
      new AddonInput(MOVE, new Addon("my-1", "mysql", "small", "10.11"));

  private final RecordingEngine redis = new RecordingEngine("redis");
  private TestActivityEnvironment env;
  private DataActivities activities;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new DataActivitiesImpl(Engines.of(redis), Duration.ofMillis(200)));
    activities =
        env.newActivityStub(
            DataActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void anAddonWithoutAnEngineFailsForGoodWithASentenceNamingIt() {
    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> Engines.of(redis).require(MYSQL.addon()));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.INVALID_REQUEST.name(), failure.getType());
    assertEquals(
        "No data engine moves mysql addons (addon my-1): this worker moves the data of redis"
            + " addons only",
        failure.getOriginalMessage());

    ApplicationFailure none =
        assertThrows(ApplicationFailure.class, () -> Engines.of().require(MYSQL.addon()));
    assertTrue(none.getOriginalMessage().endsWith("this worker has no data engine"));
  }

  @Test
  void everyDataActivityRefusesAnAddonWithoutAnEngineAtOnce() {
    List<Runnable> calls =
        List.of(
            () -> activities.backupAddon(MYSQL),
            () -> activities.restoreAddon(RestoreInput.whileBackingUp(MYSQL)),
            () -> activities.verifyAddon(MYSQL),
            () -> activities.deleteBackup(MYSQL));
    for (Runnable call : calls) {
      ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
      ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
      assertTrue(cause.isNonRetryable());
      assertEquals(FailureType.INVALID_REQUEST.name(), cause.getType());
      assertTrue(cause.getOriginalMessage().contains("mysql"), cause.getOriginalMessage());
    }
    assertEquals(List.of(), redis.calls);
  }

  @Test
  void twoEnginesForOneProviderAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Engines.of(new RecordingEngine("redis"), new RecordingEngine("redis")));
    assertEquals(
        List.of("mysql", "redis"),
        List.copyOf(
            Engines.of(new RecordingEngine("redis"), new RecordingEngine("mysql")).providers()));
  }

  @Test
  void eachCallGoesToTheEngineOfTheAddonsProviderWithTheMigrationsBackupId() {
    assertEquals("m-1/r-1", activities.backupAddon(REDIS).backupId());
    activities.restoreAddon(RestoreInput.whileBackingUp(REDIS));
    activities.restoreAddon(new RestoreInput(REDIS, "m-0/r-1"));
    assertEquals(12, activities.verifyAddon(REDIS).rows());
    activities.deleteBackup(REDIS);

    assertEquals(
        List.of(
            "backup m-1/r-1",
            "restore m-1/r-1 following=true",
            "restore m-0/r-1 following=false",
            "verify r-1",
            "cleanUp m-1/r-1"),
        redis.calls);
  }

  @Test
  void differencesAnEngineFindsFailTheVerificationForGoodNamingThem() {
    redis.differences.put("keys", List.of("cart:7", "session:9"));
    redis.differences.put("databases", List.of());

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(REDIS));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    assertEquals(
        "The data of addon r-1 differs after the restore in keys: cart:7, session:9",
        cause.getOriginalMessage());
    assertFalse(new Verification(1, 1, Map.of("keys", List.of("a")), "").matches());
  }

  /** An engine that records what it was asked and succeeds. */
  private static final class RecordingEngine implements DataEngine {
    private final String provider;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, List<String>> differences = new LinkedHashMap<>();

    RecordingEngine(String provider) {
      this.provider = provider;
    }

    @Override
    public String provider() {
      return provider;
    }

    @Override
    public List<Check> preflight(AppInput sourceApp, Addon addon) {
      return List.of();
    }

    @Override
    public BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat) {
      calls.add("backup " + backupId);
      return new BackupResult(backupId, 10, 1, List.of("Backed up"));
    }

    @Override
    public boolean supportsRestoreWhileBackingUp() {
      return true;
    }

    @Override
    public StepResult restore(
        AddonInput input, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
      calls.add("restore " + backupId + " following=" + whileBackingUp);
      return StepResult.of("Restored");
    }

    @Override
    public Verification verify(AddonInput input, Heartbeat heartbeat) {
      calls.add("verify " + input.addon().id());
      heartbeat.beat(new DataProgress(input.addon().id(), "verifying", 0, 1, 1));
      return new Verification(1, 12, differences, "Verified addon " + input.addon().id());
    }

    @Override
    public StepResult cleanUp(AddonInput input, String backupId) {
      calls.add("cleanUp " + backupId);
      return StepResult.of("Deleted");
    }
  }
}
