package io.regionmove.activities.region;

import static io.regionmove.activities.region.SandboxRegions.SECRET_VALUE;
import static io.regionmove.activities.region.SandboxRegions.SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.PlanInput;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.CopyRate;
import io.regionmove.activities.data.DataEngine;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.Engines;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Verification;
import io.regionmove.model.Addon;
import io.regionmove.model.AddonPlan;
import io.regionmove.model.Check;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.model.DataHandling;
import io.regionmove.model.MovePlan;
import io.regionmove.regionapi.Json;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.sandbox.AddonProvider;
import io.regionmove.sandbox.AddonServers;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.redis.LocalRedis;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source check tells how each addon's data moves, from the region's {@code holds_data} and the
 * worker's engines, and adds the engines' own checks; the dry run's plan says what prepare copies
 * and how big each database is. Against a sandbox region that also offers a provider holding no
 * data.
 */
class SourceCheckAndPlanTest {

  private static final String APP = "plan-src";
  private static final CopyRate RATE = new CopyRate(Duration.ofSeconds(20));

  private static SandboxRegion region;
  private static Regions regions;
  private static Path backups;
  private static final List<TestActivityEnvironment> environments = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    Path state = Files.createTempDirectory("regionmove-plan-test");
    backups = Files.createTempDirectory("regionmove-plan-backups");
    List<AddonProvider> providers = new ArrayList<>(SandboxOptions.defaultProviders());
    providers.add(new AddonProvider("papertrail", List.of("free"), List.of("1"), false));
    region =
        SandboxRegion.start(
            SandboxOptions.defaults(
                    SOURCE,
                    0,
                    state,
                    AddonServers.postgres(LocalPostgres.forTests())
                        .withRedis(LocalRedis.forTests()))
                .withProviders(providers));
    regions =
        Regions.of(
            new RegionConfig(
                SOURCE,
                region.apiUrl(),
                region.token(),
                "http://" + SOURCE + ".localhost:" + region.port()));
    RegionClient client = new RegionClient(regions.get(SOURCE));
    SandboxRegions.seedSourceApp(client, APP);
    client.createAddon(APP, "mongodb", "starter-512", "7", null);
    client.createAddon(APP, "papertrail", "free", "1", null);
  }

  @AfterAll
  static void stop() {
    environments.forEach(TestActivityEnvironment::close);
    region.close();
  }

  @Test
  void withTheStandardEnginesOnlyMongodbDataIsLeftToTheUser() {
    SourceCheck check = activities(standardEngines()).checkSource(source());

    assertEquals(
        Map.of(
            "postgresql", DataHandling.ENGINE,
            "redis", DataHandling.ENGINE,
            "mongodb", DataHandling.MANUAL,
            "papertrail", DataHandling.NONE),
        handlingByProvider(check));
    assertTrue(check.checks().stream().allMatch(Check::passed), check.checks()::toString);
  }

  @Test
  void withoutEnginesEveryAddonThatHoldsDataIsLeftToTheUser() {
    RegionActivities noEngines =
        stub(new RegionActivitiesImpl(regions, RegionClient::new, Clock.systemUTC()));

    SourceCheck check = noEngines.checkSource(source());

    assertEquals(DataHandling.MANUAL, handlingByProvider(check).get("postgresql"));
    assertEquals(DataHandling.NONE, handlingByProvider(check).get("papertrail"));
  }

  @Test
  void anEngineMovesItsProvidersDataAndItsChecksJoinTheSourceChecks() {
    DataEngine mongodb = new CheckingEngine("mongodb");

    SourceCheck check = activities(Engines.of(mongodb)).checkSource(source());

    assertEquals(DataHandling.ENGINE, handlingByProvider(check).get("mongodb"));
    assertEquals(DataHandling.MANUAL, handlingByProvider(check).get("postgresql"));
    assertEquals(
        List.of("mongodb addon " + addonId(check, "mongodb") + ": server too old."),
        check.checks().stream().filter(c -> !c.passed()).map(Check::message).toList());
  }

  @Test
  void planSaysWhatPrepareCopiesAndHowBigEachDatabaseIs() throws JsonProcessingException {
    RegionActivities activities = activities(standardEngines());
    SourceCheck check = activities.checkSource(source());
    String mongodb = addonId(check, "mongodb");

    MovePlan plan = activities.planMove(new PlanInput(move(), check.addons(), List.of(mongodb)));

    Map<ConfigKind, ConfigPlan> config =
        plan.config().stream().collect(Collectors.toMap(ConfigPlan::kind, Function.identity()));
    assertEquals(
        List.of(ConfigKind.values()), plan.config().stream().map(ConfigPlan::kind).toList());
    assertEquals(List.of("GREETING", "SECRET_KEY"), config.get(ConfigKind.VARIABLES).copied());
    assertTrue(
        config.get(ConfigKind.VARIABLES).skipped().contains("DATABASE_URL"),
        config.get(ConfigKind.VARIABLES)::toString);
    assertEquals(List.of("alice@example.com"), config.get(ConfigKind.COLLABORATORS).copied());
    assertEquals(List.of("bob@example.com"), config.get(ConfigKind.COLLABORATORS).skipped());
    assertEquals(
        "1 accepted collaborator: alice@example.com; skipped: 1 pending collaborator (invite"
            + " them again in the destination): bob@example.com",
        config.get(ConfigKind.COLLABORATORS).summary());
    assertEquals(List.of(APP + ".example.com"), config.get(ConfigKind.DOMAINS).copied());
    assertEquals(
        List.of("force_https=true", "sticky_session=false"),
        config.get(ConfigKind.SETTINGS).copied());
    assertEquals(List.of("web:2:M", "worker:1:S"), config.get(ConfigKind.FORMATION).copied());
    assertEquals(List.of("deploys"), config.get(ConfigKind.NOTIFIERS).copied());

    Map<String, AddonPlan> addons =
        plan.addons().stream().collect(Collectors.toMap(a -> a.addon().provider(), a -> a));
    AddonPlan postgresql = addons.get("postgresql");
    assertEquals(DataHandling.ENGINE, postgresql.handling());
    assertTrue(
        postgresql.sizeBytes() > 1024 * 1024,
        () -> "pg_database_size of even an empty database is megabytes: " + postgresql);
    assertEquals(RATE.timeFor(postgresql.sizeBytes()), postgresql.copyTime());
    assertEquals(DataHandling.MANUAL, addons.get("mongodb").handling());
    assertEquals(-1, addons.get("mongodb").sizeBytes());
    assertNull(addons.get("mongodb").copyTime());
    assertEquals(DataHandling.NONE, addons.get("papertrail").handling());
    assertNull(addons.get("papertrail").copyTime());
    assertEquals(postgresql.copyTime(), plan.estimatedDataStep());
    assertEquals(RATE.perGigabyte(), plan.perGigabyte());
    String shown = Json.mapper().writeValueAsString(plan);
    assertFalse(shown.contains(SECRET_VALUE), "no variable value in the plan");
    assertFalse(shown.contains("postgresql://"), "no database URL in the plan");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Engines standardEngines() {
    return Engines.standard(
        new RegionAddonDatabases(regions, RegionClient::new),
        new DirectoryBackupStore(backups),
        null,
        DataOptions.defaults());
  }

  private static RegionActivities activities(Engines engines) {
    return stub(new RegionActivitiesImpl(regions, RegionClient::new, engines, RATE));
  }

  private static RegionActivities stub(RegionActivitiesImpl implementation) {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    environments.add(env);
    env.registerActivitiesImplementations(implementation);
    return env.newActivityStub(
        RegionActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static AppInput source() {
    return new AppInput(UUID.randomUUID().toString(), SOURCE, APP);
  }

  private static MoveInput move() {
    return new MoveInput(UUID.randomUUID().toString(), SOURCE, APP, "osc-fr1", APP);
  }

  private static Map<String, DataHandling> handlingByProvider(SourceCheck check) {
    return check.addons().stream().collect(Collectors.toMap(Addon::provider, Addon::handling));
  }

  private static String addonId(SourceCheck check, String provider) {
    return check.addons().stream()
        .filter(a -> a.provider().equals(provider))
        .findFirst()
        .orElseThrow()
        .id();
  }

  /** An engine whose preflight refuses every addon; it is never asked to move data here. */
  private static final class CheckingEngine implements DataEngine {
    private final String provider;

    CheckingEngine(String provider) {
      this.provider = provider;
    }

    @Override
    public String provider() {
      return provider;
    }

    @Override
    public List<Check> preflight(AppInput sourceApp, Addon addon) {
      return List.of(
          Check.failed("server-version", provider + " addon " + addon.id() + ": server too old."));
    }

    @Override
    public BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean supportsRestoreWhileBackingUp() {
      return false;
    }

    @Override
    public StepResult restore(
        AddonInput input, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Verification verify(AddonInput input, Heartbeat heartbeat) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StepResult cleanUp(AddonInput input, String backupId) {
      throw new UnsupportedOperationException();
    }
  }
}
