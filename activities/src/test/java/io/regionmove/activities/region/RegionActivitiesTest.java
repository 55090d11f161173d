package io.regionmove.activities.region;

import static io.regionmove.activities.region.SandboxRegions.DESTINATION;
import static io.regionmove.activities.region.SandboxRegions.NOTIFIER_SECRET;
import static io.regionmove.activities.region.SandboxRegions.SECRET_VALUE;
import static io.regionmove.activities.region.SandboxRegions.SOURCE;
import static io.regionmove.activities.region.SandboxRegions.seedSourceApp;
import static io.regionmove.activities.region.SandboxRegions.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.AppUrl;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.FailureType;
import io.regionmove.model.Formation;
import io.regionmove.model.Process;
import io.regionmove.regionapi.AppRedirect;
import io.regionmove.regionapi.AppSettings;
import io.regionmove.regionapi.Collaborator;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.Json;
import io.regionmove.regionapi.Notifier;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The region activities against two sandbox regions: each action done twice leaves the state of
 * doing it once, each undo restores the state before its action, each undo without its action
 * changes nothing, and no secret value ever appears in what they return.
 */
class RegionActivitiesTest {

  private static final AtomicInteger APPS = new AtomicInteger();

  private static SandboxRegions sandbox;
  private static RegionClient source;
  private static RegionClient destination;
  private static TestActivityEnvironment env;
  private static RegionActivities activities;

  /** Everything the activities returned, checked for secrets at the end. */
  private static final List<Object> returned = new ArrayList<>();

  @BeforeAll
  static void start() {
    sandbox = SandboxRegions.get();
    source = sandbox.sourceClient();
    destination = sandbox.destinationClient();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new RegionActivitiesImpl(sandbox.regions, RegionClient::new));
    activities =
        env.newActivityStub(
            RegionActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterAll
  static void noSecretEverReturned() throws JsonProcessingException {
    String all = Json.mapper().writeValueAsString(returned);
    assertFalse(all.isEmpty());
    assertFalse(all.contains(SECRET_VALUE), "a variable value was returned");
    assertFalse(all.contains(NOTIFIER_SECRET), "a notifier URL was returned");
    assertFalse(all.contains("PRIVATE KEY"), "a TLS key was returned");
    assertFalse(all.contains("postgresql://"), "a database URL was returned");
    env.close();
  }

  /** A fresh seeded source app and the move of it to the destination under a new name. */
  private static MoveInput seededMove() {
    int n = APPS.incrementAndGet();
    String app = "ra-src-" + n;
    seedSourceApp(source, app);
    return new MoveInput(UUID.randomUUID().toString(), SOURCE, app, DESTINATION, "ra-dst-" + n);
  }

  private static <T> T run(java.util.function.Supplier<T> call) {
    T result = call.get();
    returned.add(result);
    return result;
  }

  private static ApplicationFailure failure(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  private static List<String> failedMessages(List<Check> checks) {
    return checks.stream().filter(c -> !c.passed()).map(Check::message).toList();
  }

  // ---- preflight

  @Test
  void checkSourceOfARunningAppPassesAndDescribesIt() {
    MoveInput move = seededMove();

    SourceCheck check = run(() -> activities.checkSource(move.sourceApp()));

    assertEquals(List.of(), failedMessages(check.checks()));
    assertEquals(
        new Formation(List.of(new Process("web", 2, "M"), new Process("worker", 1, "S"))),
        check.formation());
    assertEquals(
        List.of("postgresql", "redis"),
        check.addons().stream().map(Addon::provider).sorted().toList());
    assertEquals(List.of(move.app() + ".example.com"), check.customDomains());
    assertEquals(check, run(() -> activities.checkSource(move.sourceApp())));
  }

  @Test
  void checkSourceOfAStoppedAppPasses() {
    MoveInput move = seededMove();
    source.scale(
        move.app(), List.of(new Container("web", 0, "M"), new Container("worker", 0, "S")));

    SourceCheck check = run(() -> activities.checkSource(move.sourceApp()));

    assertEquals(List.of(), failedMessages(check.checks()));
    assertTrue(check.formation().isStopped());
  }

  @Test
  void checkSourceOfAnUnknownAppSaysSo() {
    SourceCheck check = run(() -> activities.checkSource(new AppInput("m", SOURCE, "no-such-app")));
    assertEquals(
        List.of("App no-such-app does not exist in region agora-fr1."),
        failedMessages(check.checks()));
  }

  @Test
  void checkSourceOfAnAppAlreadyMigratingSaysSo() {
    MoveInput move = seededMove();
    source.freeze(move.app());

    SourceCheck check = run(() -> activities.checkSource(move.sourceApp()));

    assertEquals(
        List.of(
            "App "
                + move.app()
                + " in region agora-fr1 is already being migrated; finish or abort that migration first."),
        failedMessages(check.checks()));
  }

  /**
   * A region refuses an expired certificate when it is added, so a source whose certificate expired
   * since is seen through a clock set past its expiry.
   */
  @Test
  void checkSourceWithAnExpiredCertificateSaysWhichDomain() {
    MoveInput move = seededMove();
    TestActivityEnvironment later = TestActivityEnvironment.newInstance();
    try {
      later.registerActivitiesImplementations(
          new RegionActivitiesImpl(
              sandbox.regions,
              RegionClient::new,
              Clock.fixed(Instant.parse("2200-01-01T00:00:00Z"), java.time.ZoneOffset.UTC)));
      RegionActivities inTheFuture =
          later.newActivityStub(
              RegionActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
      SourceCheck check = inTheFuture.checkSource(move.sourceApp());
      assertEquals(1, failedMessages(check.checks()).size());
      String message = failedMessages(check.checks()).get(0);
      assertTrue(
          message.matches(
              "The TLS certificate of domain "
                  + java.util.regex.Pattern.quote(move.app() + ".example.com")
                  + " expired on \\d{4}-\\d{2}-\\d{2}; renew it before migrating\\."),
          message);
    } finally {
      later.close();
    }
  }

  @Test
  void checkDestinationPassesForAFreeNameAndOfferedAddons() {
    MoveInput move = seededMove();
    List<Addon> addons = activities.checkSource(move.sourceApp()).addons();

    CheckResult result =
        run(() -> activities.checkDestination(new DestinationCheckInput(move, addons)));

    assertEquals(List.of(), failedMessages(result.checks()));
    assertEquals(result, activities.checkDestination(new DestinationCheckInput(move, addons)));
  }

  @Test
  void checkDestinationRefusesTheSourceRegion() {
    MoveInput move = new MoveInput("m", SOURCE, "ra-x", SOURCE, "ra-x");
    CheckResult result =
        run(() -> activities.checkDestination(new DestinationCheckInput(move, List.of())));
    assertEquals(
        List.of(
            "The app is already in region agora-fr1; choose a destination region other than the source."),
        failedMessages(result.checks()));
  }

  @Test
  void checkDestinationRefusesAnUnknownRegion() {
    MoveInput move = new MoveInput("m", SOURCE, "ra-x", "mars-1", "ra-x");
    CheckResult result =
        run(() -> activities.checkDestination(new DestinationCheckInput(move, List.of())));
    assertEquals(
        List.of("Region mars-1 is not configured; the known regions are agora-fr1, osc-fr1."),
        failedMessages(result.checks()));
  }

  @Test
  void checkDestinationRefusesATakenNameButNotItsOwnApp() {
    MoveInput move = seededMove();
    destination.createApp(move.newName(), "someone-else");

    CheckResult taken =
        run(() -> activities.checkDestination(new DestinationCheckInput(move, List.of())));
    assertEquals(
        List.of(
            "An app named "
                + move.newName()
                + " already exists in region osc-fr1; choose another name with --new-name."),
        failedMessages(taken.checks()));

    MoveInput ours =
        new MoveInput(
            "m-ours", SOURCE, move.app(), DESTINATION, "ra-ours-" + APPS.incrementAndGet());
    destination.createApp(ours.newName(), ours.migrationId());
    assertEquals(
        List.of(),
        failedMessages(
            activities.checkDestination(new DestinationCheckInput(ours, List.of())).checks()));
  }

  @Test
  void checkDestinationNamesEachAddonNotOffered() {
    MoveInput move = new MoveInput("m", SOURCE, "ra-x", DESTINATION, "ra-free-name");
    List<Addon> addons =
        List.of(
            new Addon("ad-1", "postgresql", "enterprise-64", "15"),
            new Addon("ad-2", "postgresql", "starter-512", "9"),
            new Addon("ad-3", "elasticsearch", "starter-256", "6"),
            new Addon("ad-4", "redis", "starter-256", "7"));

    CheckResult result =
        run(() -> activities.checkDestination(new DestinationCheckInput(move, addons)));

    assertEquals(
        List.of(
            "Plan enterprise-64 of the postgresql addon ad-1 is not offered in region osc-fr1; the plans offered there are starter-512, business-1024.",
            "Version 9 of the postgresql addon ad-2 is not offered in region osc-fr1; the versions offered there are 14, 15.",
            "Addon provider elasticsearch (addon ad-3) is not offered in region osc-fr1."),
        failedMessages(result.checks()));
  }

  // ---- freeze

  @Test
  void freezeTwiceThenUnfreezeRestoresTheSource() {
    MoveInput move = seededMove();
    String before = snapshot(source, move.app());

    StepResult first = run(() -> activities.freezeSource(move.sourceApp()));
    String frozen = snapshot(source, move.app());
    assertEquals(first, run(() -> activities.freezeSource(move.sourceApp())));
    assertEquals(frozen, snapshot(source, move.app()));
    assertTrue(source.getApp(move.app()).migrating());

    run(() -> activities.unfreezeSource(move.sourceApp()));
    assertEquals(before, snapshot(source, move.app()));
    run(() -> activities.unfreezeSource(move.sourceApp()));
    assertEquals(before, snapshot(source, move.app()));
    run(
        () ->
            activities.unfreezeSource(
                new AppInput(move.migrationId(), SOURCE, "ra-never-existed")));
  }

  // ---- destination app

  @Test
  void createTwiceThenDeleteLeavesNoDestinationApp() {
    MoveInput move = seededMove();

    StepResult first = run(() -> activities.createApp(move));
    String created = snapshot(destination, move.newName());
    StepResult second = run(() -> activities.createApp(move));

    assertEquals(List.of("Created app " + move.newName() + " in region osc-fr1."), first.logs());
    assertEquals(first, second);
    assertEquals(created, snapshot(destination, move.newName()));

    run(() -> activities.deleteApp(move.destinationApp()));
    assertEquals("absent", snapshot(destination, move.newName()));
    run(() -> activities.deleteApp(move.destinationApp()));
    assertEquals("absent", snapshot(destination, move.newName()));
  }

  @Test
  void createOnATakenNameFailsForGoodAndItsUndoLeavesTheOtherAppAlone() {
    MoveInput move = seededMove();
    destination.createApp(move.newName(), "someone-else");
    String theirs = snapshot(destination, move.newName());

    ApplicationFailure failure = failure(() -> activities.createApp(move));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.REGION_REJECTED.name(), failure.getType());
    assertEquals(
        "osc-fr1 answered 409: The app name '"
            + move.newName()
            + "' is already taken in region osc-fr1.",
        failure.getOriginalMessage());

    StepResult undo = run(() -> activities.deleteApp(move.destinationApp()));
    assertTrue(undo.logs().get(0).endsWith("It is left untouched."), undo.logs().get(0));
    assertEquals(theirs, snapshot(destination, move.newName()));
    for (ConfigKind kind : ConfigKind.values()) {
      run(() -> activities.removeConfig(new ConfigInput(move, kind)));
    }
    assertEquals(theirs, snapshot(destination, move.newName()));
    ApplicationFailure copy =
        failure(() -> activities.copyConfig(new ConfigInput(move, ConfigKind.VARIABLES)));
    assertEquals(FailureType.INVALID_REQUEST.name(), copy.getType());
  }

  @Test
  void deleteSourceAppOnlyOnceItsReplacementExists() {
    MoveInput move = seededMove();
    String before = snapshot(source, move.app());

    ApplicationFailure refused = failure(() -> activities.deleteSourceApp(move));
    assertTrue(refused.isNonRetryable());
    assertEquals(FailureType.INVALID_REQUEST.name(), refused.getType());
    assertEquals(before, snapshot(source, move.app()));

    activities.deleteApp(move.sourceApp());
    assertEquals(
        before, snapshot(source, move.app()), "deleteApp never deletes an app it did not make");

    activities.createApp(move);
    activities.freezeSource(move.sourceApp());
    run(() -> activities.deleteSourceApp(move));
    assertEquals("absent", snapshot(source, move.app()));
    run(() -> activities.deleteSourceApp(move));
    assertEquals("absent", snapshot(source, move.app()));
  }

  // ---- configuration

  @ParameterizedTest
  @EnumSource(ConfigKind.class)
  void copyTwiceGivesTheStateOfOnceAndRemoveRestoresTheDestination(ConfigKind kind) {
    MoveInput move = seededMove();
    activities.createApp(move);
    activities.provisionAddon(new AddonInput(move, postgresAddonOf(move)));
    activities.freezeSource(move.sourceApp());
    String sourceBefore = snapshot(source, move.app());
    // the whole destination configuration, its formation (containers) included
    String before = snapshot(destination, move.newName());

    StepResult first = run(() -> activities.copyConfig(new ConfigInput(move, kind)));
    String once = snapshot(destination, move.newName());
    assertNotEquals(before, once, kind + " copied nothing");
    StepResult second = run(() -> activities.copyConfig(new ConfigInput(move, kind)));
    assertEquals(once, snapshot(destination, move.newName()));
    assertEquals(first, second);

    run(() -> activities.removeConfig(new ConfigInput(move, kind)));
    assertEquals(before, snapshot(destination, move.newName()));
    run(() -> activities.removeConfig(new ConfigInput(move, kind)));
    assertEquals(before, snapshot(destination, move.newName()));
    assertEquals(sourceBefore, snapshot(source, move.app()), "the source is only read");
  }

  @Test
  void removeFormationRemovesTheCopiedProcessTypesAndNothingElse() {
    MoveInput move = seededMove();
    activities.createApp(move);
    assertEquals(List.of(), destination.listContainers(move.newName()));

    StepResult copied =
        run(() -> activities.copyConfig(new ConfigInput(move, ConfigKind.FORMATION)));
    assertEquals(
        List.of(
            "Copied the process types web: 2 × M, worker: 1 × S at 0 containers; the amounts apply when"
                + " the app starts at finalize."),
        copied.logs());
    StepResult removed =
        run(() -> activities.removeConfig(new ConfigInput(move, ConfigKind.FORMATION)));
    assertEquals(List.of("Removed 2 process types: web, worker."), removed.logs());
    assertEquals(List.of(), destination.listContainers(move.newName()));
    StepResult again =
        run(() -> activities.removeConfig(new ConfigInput(move, ConfigKind.FORMATION)));
    assertEquals(List.of("Removed no process types."), again.logs());
  }

  @Test
  void removeFormationLeavesARunningProcessTypeAndSaysSo() {
    MoveInput move = seededMove();
    activities.createApp(move);
    run(() -> activities.copyConfig(new ConfigInput(move, ConfigKind.FORMATION)));
    destination.scale(
        move.newName(), List.of(new Container("web", 1, "M"), new Container("clock", 0, "S")));

    StepResult removed =
        run(() -> activities.removeConfig(new ConfigInput(move, ConfigKind.FORMATION)));

    assertEquals(
        List.of(
            "Removed 1 process type: worker.",
            "Left 1 process type of app "
                + move.newName()
                + " in place because it runs containers (only a process type at 0 containers is"
                + " removed; stop the app first): web."),
        removed.logs());
    assertEquals(
        List.of(new Container("web", 1, "M"), new Container("clock", 0, "S")),
        destination.listContainers(move.newName()),
        "a running process type and one the copy did not add stay");
  }

  @ParameterizedTest
  @EnumSource(ConfigKind.class)
  void removeWithoutCopyChangesNothing(ConfigKind kind) {
    MoveInput move = seededMove();
    run(() -> activities.removeConfig(new ConfigInput(move, kind)));
    activities.createApp(move);
    String before = snapshot(destination, move.newName());
    run(() -> activities.removeConfig(new ConfigInput(move, kind)));
    assertEquals(before, snapshot(destination, move.newName()));
  }

  @Test
  void copiedConfigurationMatchesTheSource() {
    MoveInput move = seededMove();
    activities.createApp(move);
    for (ConfigKind kind : ConfigKind.values()) {
      run(() -> activities.copyConfig(new ConfigInput(move, kind)));
    }
    RegionApp copy = destination.getApp(move.newName());
    assertEquals(new AppSettings(true, false), copy.settings());
    assertEquals(RegionApp.STOPPED, copy.status());
    assertEquals(
        List.of(new Container("web", 0, "M"), new Container("worker", 0, "S")),
        destination.listContainers(move.newName()));
    assertEquals(
        List.of(new Collaborator("alice@example.com", Collaborator.ACCEPTED)),
        destination.listCollaborators(move.newName()));
    assertEquals(source.listDomains(move.app()), destination.listDomains(move.newName()));
    assertEquals(
        source.listVariables(move.app()).stream().filter(v -> !v.generated()).toList(),
        destination.listVariables(move.newName()).stream().filter(v -> !v.generated()).toList());
    assertEquals(
        source.listNotifiers(move.app()).stream().map(RegionActivitiesTest::withoutId).toList(),
        destination.listNotifiers(move.newName()).stream()
            .map(RegionActivitiesTest::withoutId)
            .toList());
    StepResult collaborators =
        activities.copyConfig(new ConfigInput(move, ConfigKind.COLLABORATORS));
    assertEquals(
        List.of(
            "Copied 1 accepted collaborator: alice@example.com.",
            "Skipped 1 pending collaborator (invite them again in the destination): bob@example.com."),
        collaborators.logs());
    StepResult variables = activities.copyConfig(new ConfigInput(move, ConfigKind.VARIABLES));
    assertTrue(
        variables.logs().get(0).equals("Copied 2 environment variables: GREETING, SECRET_KEY."),
        variables.logs().toString());
  }

  private static Notifier withoutId(Notifier n) {
    return new Notifier(null, n.type(), n.name(), n.url(), n.events());
  }

  private static Addon postgresAddonOf(MoveInput move) {
    return activities.checkSource(move.sourceApp()).addons().stream()
        .filter(a -> a.provider().equals(Addon.POSTGRESQL))
        .findFirst()
        .orElseThrow();
  }

  // ---- formation

  @Test
  void stopTwiceThenStartRestoresTheSource() {
    MoveInput move = seededMove();
    String before = snapshot(source, move.app());

    Formation formation = run(() -> activities.readFormation(move.sourceApp()));
    assertEquals(
        new Formation(List.of(new Process("web", 2, "M"), new Process("worker", 1, "S"))),
        formation);

    run(() -> activities.stopApp(move.sourceApp()));
    String stopped = snapshot(source, move.app());
    assertEquals(RegionApp.STOPPED, source.getApp(move.app()).status());
    StepResult again = run(() -> activities.stopApp(move.sourceApp()));
    assertEquals(stopped, snapshot(source, move.app()));
    assertTrue(again.logs().get(0).endsWith("is already stopped."));

    StartAppInput start = new StartAppInput(move.sourceApp(), formation);
    StepResult started = run(() -> activities.startApp(start));
    assertEquals(before, snapshot(source, move.app()));
    assertEquals(started, run(() -> activities.startApp(start)));
    assertEquals(before, snapshot(source, move.app()));
  }

  @Test
  void readUrlGivesTheUrlTheAppAnswersAtInItsRegion() {
    MoveInput move = seededMove();

    AppUrl url = run(() -> activities.readUrl(move.sourceApp()));

    assertEquals(sandbox.source.routerUrl(move.app()), url.url());
  }

  @Test
  void stopOfAnAppThatNeverExistedIsANoOp() {
    StepResult result =
        run(() -> activities.stopApp(new AppInput("m", DESTINATION, "ra-never-created")));
    assertTrue(result.logs().get(0).contains("does not exist"));
  }

  // ---- addons

  @Test
  void provisionTwiceMakesOneAddonAndDeprovisionRestoresTheDestination() {
    MoveInput move = seededMove();
    activities.createApp(move);
    List<Addon> addons = activities.checkSource(move.sourceApp()).addons();
    String before = snapshot(destination, move.newName());

    List<StepResult> first = new ArrayList<>();
    for (Addon addon : addons) {
      first.add(run(() -> activities.provisionAddon(new AddonInput(move, addon))));
    }
    String once = snapshot(destination, move.newName());
    List<StepResult> second = new ArrayList<>();
    for (Addon addon : addons) {
      second.add(run(() -> activities.provisionAddon(new AddonInput(move, addon))));
    }
    assertEquals(first, second);
    assertEquals(once, snapshot(destination, move.newName()));
    assertEquals(2, destination.listAddons(move.newName()).size());

    for (Addon addon : addons) {
      run(() -> activities.deprovisionAddon(new AddonInput(move, addon)));
      run(() -> activities.deprovisionAddon(new AddonInput(move, addon)));
    }
    assertEquals(before, snapshot(destination, move.newName()));
  }

  @Test
  void provisionOfAPlanNotOfferedFailsForGood() {
    MoveInput move = seededMove();
    activities.createApp(move);
    ApplicationFailure failure =
        failure(
            () ->
                activities.provisionAddon(
                    new AddonInput(move, new Addon("ad-x", "postgresql", "enterprise-64", "15"))));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.REGION_REJECTED.name(), failure.getType());
    assertTrue(
        failure.getOriginalMessage().startsWith("osc-fr1 answered 422: "),
        failure.getOriginalMessage());
  }

  @Test
  void deprovisionWithoutProvisionChangesNothing() {
    MoveInput move = seededMove();
    Addon addon = postgresAddonOf(move);
    run(() -> activities.deprovisionAddon(new AddonInput(move, addon)));
    activities.createApp(move);
    String before = snapshot(destination, move.newName());
    run(() -> activities.deprovisionAddon(new AddonInput(move, addon)));
    assertEquals(before, snapshot(destination, move.newName()));
  }

  // ---- redirect

  @Test
  void redirectTwiceThenRemoveRestoresTheSource() {
    MoveInput move = seededMove();
    activities.createApp(move);
    String before = snapshot(source, move.app());
    Instant until = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    RedirectResult first = run(() -> activities.redirectSource(new RedirectInput(move, until)));
    assertEquals(sandbox.destination.routerUrl(move.newName()), first.url());
    assertEquals(new AppRedirect(first.url(), until), source.getApp(move.app()).redirect());
    String redirected = snapshot(source, move.app());
    assertEquals(first, run(() -> activities.redirectSource(new RedirectInput(move, until))));
    assertEquals(redirected, snapshot(source, move.app()));

    run(() -> activities.removeRedirect(move.sourceApp()));
    assertEquals(before, snapshot(source, move.app()));
    run(() -> activities.removeRedirect(move.sourceApp()));
    assertEquals(before, snapshot(source, move.app()));
  }
}
