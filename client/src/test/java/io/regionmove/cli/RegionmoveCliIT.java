package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.testkit.TestDirectory;
import io.regionmove.worker.dev.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executable end to end: {@code regionmove dev} in its own process (Temporal, two sandbox
 * regions, PostgreSQL, a worker), and every command as a separate process, as a person runs them.
 * Fails, never skips, when PostgreSQL or Temporal cannot be started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionmoveCliIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final Pattern NEXT_RUN =
      Pattern.compile(
          "^\\s+regionmove (--region \\S+ --app \\S+ migration-run --\\w+ [0-9a-f-]{36})$",
          Pattern.MULTILINE);

  @RegisterExtension static final DevProcess dev = new DevProcess();

  private Path home;
  private Map<String, String> env;
  private Regions regions;

  @BeforeAll
  void checkTheDevStack() {
    // The suite runs against the real dev server (visibility, Temporal Web): without the temporal
    // CLI, `dev` falls back to the in-JVM test server and these assertions fail the build.
    String started = dev.output();
    assertTrue(
        started.contains("Temporal CLI dev server"),
        "dev should use `temporal server start-dev`:\n" + started);
    assertTrue(
        started.contains("Temporal Web:  http://127.0.0.1:" + dev.uiPort()),
        "Temporal Web on its port:\n" + started);
    home = dev.home();
    env = dev.env();
    regions = dev.regions();
  }

  // ---- the seed's sequence ------------------------------------------------------------------

  @Test
  void sampleAppMigratesByRunningTheCommandsTheOutputSuggests() {
    String app = "my-app";
    JsonNode sourceBefore = api(SOURCE).app(app).orElseThrow();
    String oldUrl = sourceBefore.path("url").asText();
    assertEquals(200, CliProcess.httpStatus(oldUrl));

    CliProcess.Result created =
        cli("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION);
    assertEquals(0, created.exitCode(), created.toString());
    String id = migrationId(created);
    assertTrue(
        created.stdout().contains("Your app can be migrated to the osc-fr1 zone."),
        created.toString());

    List<String> stepsRun = new ArrayList<>();
    CliProcess.Result last = created;
    while (!last.stdout().contains("Your application is now available at:")) {
      Matcher next = NEXT_RUN.matcher(last.stdout());
      assertTrue(next.find(), "no migration-run command suggested:\n" + last);
      String command = next.group(1);
      assertTrue(command.endsWith(id), command);
      stepsRun.add(command.replaceAll(".*migration-run (--\\w+).*", "$1"));
      last = cli(command.split(" "));
      assertEquals(0, last.exitCode(), last.toString());
      assertTrue(stepsRun.size() <= 3, "more than three steps suggested: " + stepsRun);
    }
    assertEquals(List.of("--prepare", "--data", "--finalize"), stepsRun);
    Matcher url =
        Pattern.compile("Your application is now available at: (\\S+)").matcher(last.stdout());
    assertTrue(url.find());
    assertTrue(
        last.stdout().contains("CNAME record of my-app.example.com should be changed to"),
        last.toString());

    assertEquals(200, CliProcess.httpStatus(url.group(1)), "the new URL");
    assertEquals(308, CliProcess.httpStatus(oldUrl), "the old URL redirects");

    List<DataIntegrity.Line> lines =
        DataIntegrity.compare(
            api(SOURCE).postgresqlUrl(app).orElseThrow(),
            api(DESTINATION).postgresqlUrl(app).orElseThrow());
    assertFalse(lines.isEmpty());
    lines.forEach(l -> assertTrue(l.matches(), "table " + l));

    CliProcess.Result list = cli("--region", SOURCE, "--app", app, "migrations");
    assertEquals(0, list.exitCode(), list.toString());
    assertTrue(list.stdout().contains(id) && list.stdout().contains("done"), list.toString());
    // From a home without the local index (migrations.json), only a visibility query can find it.
    Map<String, String> noIndex = new java.util.HashMap<>(env);
    noIndex.put("REGIONMOVE_HOME", TestDirectory.create("it-no-index").toString());
    CliProcess.Result listed =
        CliProcess.run(noIndex, List.of("--region", SOURCE, "--app", app, "migrations"));
    assertEquals(0, listed.exitCode(), listed.toString());
    assertTrue(
        listed.stdout().contains(id) && listed.stdout().contains("done"),
        "listed through visibility:\n" + listed);

    Path history = home.resolve("history-" + id + ".json");
    CliProcess.Result exported = cli("migration-history", id, "--output", history.toString());
    assertEquals(0, exported.exitCode(), exported.toString());
    assertTrue(
        readString(history).contains("WORKFLOW_EXECUTION_STARTED")
            || readString(history).contains("WorkflowExecutionStarted"));
  }

  @Test
  void abortAfterDataRestoresTheSourceAndRemovesTheDestination() {
    String app = "abort-app";
    seed(SOURCE, app, 500);
    JsonNode before = api(SOURCE).app(app).orElseThrow();
    JsonNode variablesBefore = api(SOURCE).get("/v1/apps/" + app + "/variables").body();
    Map<String, DataIntegrity.Table> dataBefore =
        DataIntegrity.fingerprint(api(SOURCE).postgresqlUrl(app).orElseThrow());

    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--data", id);
    assertEquals("stopped", api(SOURCE).app(app).orElseThrow().path("status").asText());
    CliProcess.Result aborted = ok("--region", SOURCE, "--app", app, "migration-abort", id);
    assertTrue(
        aborted.stdout().contains("The migration '" + id + "' has been aborted"),
        aborted.toString());
    assertTrue(
        aborted
            .stdout()
            .contains(
                "regionmove --region agora-fr1 --app abort-app migration-create --to osc-fr1"),
        aborted.toString());

    JsonNode after = api(SOURCE).app(app).orElseThrow();
    assertEquals("running", after.path("status").asText());
    assertFalse(after.path("migrating").asBoolean());
    assertEquals(before.path("formation"), after.path("formation"));
    assertEquals(before.path("settings"), after.path("settings"));
    assertEquals(variablesBefore, api(SOURCE).get("/v1/apps/" + app + "/variables").body());
    assertEquals(
        dataBefore, DataIntegrity.fingerprint(api(SOURCE).postgresqlUrl(app).orElseThrow()));
    assertEquals(200, CliProcess.httpStatus(before.path("url").asText()));
    assertEquals(
        404, api(DESTINATION).get("/v1/apps/" + app).status(), "the destination app is gone");
  }

  @Test
  void demoMigratesTheSampleAppAndTheDataMatches() {
    Path demoHome = TestDirectory.create("it-demo");
    CliProcess.Result demo =
        CliProcess.run(
            CliProcess.env("REGIONMOVE_HOME", demoHome),
            List.of("demo", "--home", demoHome.resolve("run").toString(), "--rows", "2000"));
    assertEquals(0, demo.exitCode(), demo.toString());
    assertTrue(demo.stdout().contains("Your application is now available at:"), demo.toString());
    assertTrue(demo.stdout().contains("Demo succeeded."), demo.toString());
  }

  // ---- bad input: the documented exit code and one sentence ---------------------------------

  @Test
  void unknownAppFailsPreflight() {
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "ghost-app", "migration-create", "--to", DESTINATION);
    assertOneSentence(r, 1, "App ghost-app does not exist in region agora-fr1");
  }

  @Test
  void unknownRegionIsRefusedBeforeStarting() {
    CliProcess.Result r =
        cli("--region", "nowhere", "--app", "my-app", "migration-create", "--to", DESTINATION);
    assertOneSentence(
        r, 1, "Region nowhere is not configured; the known regions are agora-fr1, osc-fr1");
  }

  @Test
  void unknownDestinationFailsPreflight() {
    seed(SOURCE, "dest-app", 10);
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "dest-app", "migration-create", "--to", "mars-1");
    assertOneSentence(r, 1, "Region mars-1 is not configured");
  }

  @Test
  void sameSourceAndDestinationFailsPreflight() {
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "my-app", "migration-create", "--to", SOURCE);
    assertOneSentence(r, 1, "the destination region is the source region");
  }

  @Test
  void takenNewNameFailsPreflight() throws Exception {
    seed(SOURCE, "name-app", 10);
    RegionConfig osc = regions.get(DESTINATION);
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(osc.apiUrl() + "/v1/apps"))
                    .header("Authorization", "Bearer " + osc.token())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"app\":{\"name\":\"occupied\"}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertTrue(created.statusCode() == 201 || created.statusCode() == 200, created.body());
    CliProcess.Result r =
        cli(
            "--region",
            SOURCE,
            "--app",
            "name-app",
            "migration-create",
            "--to",
            DESTINATION,
            "--new-name",
            "occupied");
    assertOneSentence(r, 1, "An app named occupied already exists in region osc-fr1");
  }

  @Test
  void unknownMigrationIdIsRejected() {
    String id = UUID.randomUUID().toString();
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "my-app", "migration-run", "--prepare", id);
    assertOneSentence(r, 1, "No migration has the id " + id);
  }

  @Test
  void stepInTheWrongOrderIsRejected() {
    seed(SOURCE, "order-app", 10);
    String id =
        migrationId(
            ok("--region", SOURCE, "--app", "order-app", "migration-create", "--to", DESTINATION));
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "order-app", "migration-run", "--finalize", id);
    assertOneSentence(
        r, 1, "Cannot run finalize: the migration is preflight-success; run prepare first");
    ok("--region", SOURCE, "--app", "order-app", "migration-abort", id);
  }

  @Test
  void stepOnAFinishedMigrationIsRejected() {
    seed(SOURCE, "finished-app", 10);
    String id =
        migrationId(
            ok(
                "--region",
                SOURCE,
                "--app",
                "finished-app",
                "migration-create",
                "--to",
                DESTINATION));
    ok("--region", SOURCE, "--app", "finished-app", "migration-abort", id);
    CliProcess.Result r =
        cli("--region", SOURCE, "--app", "finished-app", "migration-run", "--prepare", id);
    assertOneSentence(r, 1, "Cannot run prepare: the migration is aborted");
  }

  @Test
  void secondMigrationOfAnAppNamesTheRunningOne() {
    seed(SOURCE, "twice-app", 10);
    String first =
        migrationId(
            ok("--region", SOURCE, "--app", "twice-app", "migration-create", "--to", DESTINATION));
    CliProcess.Result second =
        cli("--region", SOURCE, "--app", "twice-app", "migration-create", "--to", DESTINATION);
    assertOneSentence(second, 1, "already has a migration in progress (" + first + ")");
    assertTrue(second.stdout().contains("Running migration: " + first), second.toString());
    ok("--region", SOURCE, "--app", "twice-app", "migration-abort", first);
  }

  @Test
  void missingDestinationIsAUsageError() {
    CliProcess.Result r = cli("--region", SOURCE, "--app", "my-app", "migration-create");
    assertOneSentence(r, 2, "Missing required option: '--to=REGION'");
  }

  @Test
  void unreachableTemporalExitsWith3() {
    Map<String, String> badTemporal = new java.util.HashMap<>(env);
    badTemporal.put("TEMPORAL_ADDRESS", "127.0.0.1:" + FreePorts.find());
    CliProcess.Result r =
        CliProcess.run(badTemporal, List.of("--region", SOURCE, "--app", "my-app", "migrations"));
    assertOneSentence(r, 3, "Cannot reach the Temporal server at 127.0.0.1:");
  }

  @Test
  void unreachableRegionExitsWith3BeforeStarting() throws Exception {
    RegionConfig agora = regions.get(SOURCE);
    Path file = home.resolve("regions-down.json");
    Regions.of(
            new RegionConfig(
                SOURCE, "http://127.0.0.1:" + FreePorts.find(), agora.token(), agora.routerUrl()),
            regions.get(DESTINATION))
        .write(file);
    Map<String, String> badRegion = new java.util.HashMap<>(env);
    badRegion.put("REGIONMOVE_REGIONS", file.toString());
    CliProcess.Result r =
        CliProcess.run(
            badRegion,
            List.of(
                "--region", SOURCE, "--app", "my-app", "migration-create", "--to", DESTINATION));
    assertOneSentence(r, 3, "Region agora-fr1 cannot be reached at http://127.0.0.1:");
    assertFalse(r.stdout().contains("Migration ID"), "no migration was started:\n" + r);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void assertOneSentence(CliProcess.Result r, int exitCode, String expected) {
    assertEquals(exitCode, r.exitCode(), r.toString());
    String stderr = r.stderr().strip();
    assertTrue(stderr.contains(expected), "stderr should say '" + expected + "':\n" + r);
    assertEquals(1, stderr.lines().count(), "one sentence on stderr:\n" + r);
    assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), "no stack trace:\n" + r);
  }

  private CliProcess.Result cli(String... args) {
    return CliProcess.run(env, List.of(args));
  }

  private CliProcess.Result ok(String... args) {
    CliProcess.Result r = cli(args);
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }

  private void seed(String region, String app, int rows) {
    ok("sandbox-seed", "--region", region, "--app", app, "--rows", Integer.toString(rows));
  }

  private static String migrationId(CliProcess.Result r) {
    Matcher m = ID.matcher(r.stdout());
    assertTrue(m.find(), "no 'Migration ID:' line:\n" + r);
    return m.group(1);
  }

  private RegionApi api(String region) {
    return new RegionApi(regions.get(region));
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
