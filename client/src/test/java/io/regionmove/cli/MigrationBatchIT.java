package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regionmove.activities.config.Regions;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.worker.dev.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code migration-batch} and {@code migration-batch-abort} end to end: {@code regionmove dev} in
 * its own process and every command as a separate process, as a person runs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationBatchIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BATCH_ID =
      Pattern.compile("^Batch ID: (batch-[0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** Seeded in the source and never part of a batch that starts: every refusal leaves it alone. */
  private static final String UNTOUCHED = "untouched-app";

  private Path home;
  private Process dev;
  private final StringBuilder devOutput = new StringBuilder();
  private Map<String, String> env;
  private Regions regions;

  // ---- a whole batch ------------------------------------------------------------------------

  @Test
  void fiveAppsTwoAtATimeAllEndDoneAndNeverMoreThanTwoRunTogether() throws Exception {
    List<String> apps = List.of("batch-a", "batch-b", "batch-c", "batch-d", "batch-e");
    apps.forEach(app -> seed(app, 100));

    CliProcess.Result r =
        runLong(
            "--region",
            SOURCE,
            "migration-batch",
            "--to",
            DESTINATION,
            "--apps",
            String.join(",", apps),
            "--concurrency",
            "2");

    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(BATCH_ID.matcher(r.stdout()).find(), "a Batch ID line:\n" + r);
    assertTrue(r.stdout().contains("\n5 done, 0 error, 0 aborted\n"), "the summary line:\n" + r);
    assertEquals("", r.stderr().strip(), r.toString());
    Map<String, String> ids = finalTable(r.stdout());
    assertEquals(apps, List.copyOf(ids.keySet()), "one row per app, in order:\n" + r);
    assertEquals(5, ids.values().stream().distinct().count());

    // Each one is an ordinary migration of its app: listed, done, its new app running.
    List<Instant[]> intervals = new ArrayList<>();
    for (String app : apps) {
      JsonNode migration = migrationOf(app, ids.get(app));
      assertEquals("done", migration.path("status").asText(), migration.toString());
      intervals.add(
          new Instant[] {
            Instant.parse(migration.path("startedAt").asText()),
            Instant.parse(migration.path("finishedAt").asText())
          });
      assertEquals("running", api(DESTINATION).app(app).orElseThrow().path("status").asText(), app);
    }
    assertEquals(2, mostAtOnce(intervals), "migration intervals: " + describe(intervals));
  }

  @Test
  void aLiveBatchThroughFinalizeReplicatesEachAppsDataThenCutsItOver() throws Exception {
    List<String> apps = List.of("live-a", "live-b");
    apps.forEach(app -> seed(app, 300));

    CliProcess.Result r =
        runLong(
            "--region",
            SOURCE,
            "migration-batch",
            "--to",
            DESTINATION,
            "--apps",
            String.join(",", apps),
            "--concurrency",
            "2",
            "--through",
            "finalize",
            "--live");

    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        r.stdout().contains(", 2 at once, through finalize in live data mode."), r.toString());
    assertTrue(r.stdout().contains("\n2 done, 0 error, 0 aborted\n"), "the summary line:\n" + r);
    assertEquals("", r.stderr().strip(), r.toString());
    Map<String, String> ids = finalTable(r.stdout());
    assertEquals(apps, List.copyOf(ids.keySet()), r.toString());
    for (String app : apps) {
      JsonNode migration = migrationOf(app, ids.get(app));
      assertEquals("done", migration.path("status").asText(), migration.toString());
      // Its data step was live mode's, its finalize the cutover.
      CliProcess.Result followed = cli("migration-follow", ids.get(app));
      assertEquals(0, followed.exitCode(), followed.toString());
      assertTrue(
          followed.stdout().contains(" and start replicating it to osc-fr1"), followed.toString());
      assertTrue(
          followed.stdout().contains("[done] Make the database of postgresql addon "),
          followed.toString());
      String source = api(SOURCE).postgresqlUrl(app).orElseThrow();
      List<DataIntegrity.Line> tables =
          DataIntegrity.compare(source, api(DESTINATION).postgresqlUrl(app).orElseThrow());
      assertFalse(tables.isEmpty(), app);
      tables.forEach(t -> assertTrue(t.matches(), app + ": table " + t));
      assertEquals("0", scalar(source, "select count(*) from pg_publication"), app);
      assertEquals(
          "0",
          scalar(
              source,
              "select count(*) from pg_replication_slots where database = current_database()"),
          app);
      assertEquals("running", api(DESTINATION).app(app).orElseThrow().path("status").asText(), app);
    }
  }

  @Test
  void aLiveBatchThroughDataLeavesEachAppRunningAndReplicatingUntilTheBatchIsAborted()
      throws Exception {
    String app = "replicating-app";
    seed(app, 200);
    String source = api(SOURCE).postgresqlUrl(app).orElseThrow();

    CliProcess.Result r =
        runLong(
            "--region",
            SOURCE,
            "migration-batch",
            "--to",
            DESTINATION,
            "--apps",
            app,
            "--through",
            "data",
            "--live");

    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("\n1 done, 0 error, 0 aborted\n"), r.toString());
    assertTrue(
        r.stdout()
            .contains(
                "Every migration went through data and replicates its data while its app keeps"
                    + " running; cut each over with migration-run --finalize MIGRATION_ID"),
        r.toString());
    Matcher batchId = BATCH_ID.matcher(r.stdout());
    assertTrue(batchId.find(), r.toString());
    assertTrue(
        finalTableWithStatus(r.stdout()).get(app).endsWith("  data-replicating"), r.toString());
    JsonNode sourceApp = api(SOURCE).app(app).orElseThrow();
    assertEquals("running", sourceApp.path("status").asText(), "the app keeps running");
    assertEquals("1", scalar(source, "select count(*) from pg_publication"), "replicating");

    CliProcess.Result aborted = runLong("migration-batch-abort", batchId.group(1));

    assertEquals(0, aborted.exitCode(), aborted.toString());
    assertTrue(aborted.stdout().contains("\n0 done, 0 error, 1 aborted\n"), aborted.toString());
    assertEquals("0", scalar(source, "select count(*) from pg_publication"));
    assertEquals(
        "0",
        scalar(
            source,
            "select count(*) from pg_replication_slots where database = current_database()"));
    assertTrue(api(DESTINATION).app(app).isEmpty(), "the destination app is deleted");
    JsonNode after = api(SOURCE).app(app).orElseThrow();
    assertEquals("running", after.path("status").asText(), after.toString());
    assertFalse(after.path("migrating").asBoolean(), after.toString());
  }

  @Test
  void batchAbortAbortsEveryUnfinishedMigrationAndStartsNoMore() throws Exception {
    List<String> apps = List.of("stop-a", "stop-b", "stop-c", "stop-d", "stop-e", "stop-f");
    apps.forEach(app -> seed(app, 10));
    Path file = home.resolve("stop-apps.txt");
    Files.writeString(
        file, "# apps to move\n" + String.join("\n", apps).replace("stop-b", "stop-b  # 2nd\n"));

    // Through prepare, one at a time: once stop-a is prepared it waits in the middle (unfinished)
    // while the next one runs, whatever the machine's speed.
    Process batch =
        CliProcess.builder(
                env,
                List.of(
                    "--region",
                    SOURCE,
                    "migration-batch",
                    "--to",
                    DESTINATION,
                    "--file",
                    file.toString(),
                    "--concurrency",
                    "1",
                    "--through",
                    "prepare"))
            .start();
    batch.getOutputStream().close();
    CompletableFuture<String> stderr = CliProcess.read(batch.getErrorStream());
    StringBuilder stdout = new StringBuilder();
    String batchId = null;
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(batch.getInputStream(), StandardCharsets.UTF_8));
    String line;
    boolean stopAPrepared = false;
    while ((line = lines.readLine()) != null) {
      stdout.append(line).append('\n');
      Matcher id = BATCH_ID.matcher(line);
      if (id.matches()) {
        batchId = id.group(1);
      }
      if (line.startsWith("stop-a ") && line.endsWith(" prepared")) {
        stopAPrepared = true;
        break;
      }
    }
    assertTrue(stopAPrepared, "stop-a should be prepared:\n" + stdout + stderr.getNow(""));
    BufferedReader remaining = lines;
    CompletableFuture<String> rest =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder out = new StringBuilder();
              remaining.lines().forEach(l -> out.append(l).append('\n'));
              return out.toString();
            });

    CliProcess.Result aborted = runLong("migration-batch-abort", batchId);

    assertEquals(0, aborted.exitCode(), aborted.toString());
    assertTrue(
        aborted.stdout().contains("The batch '" + batchId + "' has been aborted"),
        aborted.toString());
    assertTrue(
        aborted.stdout().contains("\n0 done, 0 error, 6 aborted\n"),
        "every app aborted or not started:\n" + aborted);
    assertTrue(batch.waitFor(2, TimeUnit.MINUTES), "the batch command should end");
    String batchOut = stdout + rest.get(30, TimeUnit.SECONDS);
    assertEquals(1, batch.exitValue(), "not all done:\n" + batchOut + stderr.get());
    assertTrue(batchOut.contains("\n0 done, 0 error, 6 aborted\n"), batchOut);
    Map<String, String> rows = finalTableWithStatus(aborted.stdout());
    assertEquals(apps, List.copyOf(rows.keySet()), aborted.toString());
    assertTrue(rows.get("stop-a").endsWith("  aborted"), "the prepared one:\n" + aborted);
    assertTrue(rows.get("stop-f").endsWith("  not started"), "no more started:\n" + aborted);

    // Each migration started is aborted: its source app back as it was, no destination app; an
    // app never started has no migration at all.
    for (String app : apps) {
      JsonNode source = api(SOURCE).app(app).orElseThrow();
      assertEquals("running", source.path("status").asText(), source.toString());
      assertFalse(source.path("migrating").asBoolean(), source.toString());
      assertTrue(api(DESTINATION).app(app).isEmpty(), app + "'s destination app is deleted");
      JsonNode migrations = listMigrations(app);
      if (rows.get(app).endsWith("not started")) {
        assertEquals(0, migrations.size(), app + " has no migration: " + migrations);
      } else {
        assertEquals(1, migrations.size(), app + ": " + migrations);
        assertEquals("aborted", migrations.get(0).path("status").asText(), app);
      }
    }
  }

  // ---- bad input ----------------------------------------------------------------------------

  Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(
            List.of("--apps", UNTOUCHED + ",ghost-app,phantom-app"),
            1,
            "2 apps do not exist in agora-fr1: ghost-app, phantom-app"),
        Arguments.of(
            List.of("--apps", UNTOUCHED + ",batch-dup," + UNTOUCHED),
            2,
            "App " + UNTOUCHED + " is listed twice"),
        Arguments.of(
            List.of("--apps", UNTOUCHED, "--concurrency", "0"), 2, "--concurrency 0 is not"),
        Arguments.of(
            List.of("--apps", UNTOUCHED, "--concurrency", "-2"), 2, "--concurrency -2 is not"),
        Arguments.of(
            List.of("--apps", UNTOUCHED, "--file", "apps.txt"),
            2,
            "Pass either --apps or --file, not both"),
        Arguments.of(List.of(), 2, "No apps given: pass --apps a,b,c or --file FILE"),
        Arguments.of(
            List.of("--file", "/nonexistent/apps.txt"),
            2,
            "Cannot read the app list /nonexistent/apps.txt (no such file)"),
        Arguments.of(
            List.of("--apps", UNTOUCHED, "--live", "--through", "prepare"),
            2,
            "--live is the mode of the data step, and --through prepare stops before it"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputIsOneSentenceAndStartsNothing(List<String> options, int exitCode, String sentence)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of("--region", SOURCE, "migration-batch", "--to", DESTINATION));
    args.addAll(options);

    CliProcess.Result r = CliProcess.run(env, args);

    assertEquals(exitCode, r.exitCode(), r.toString());
    String stderr = r.stderr().strip();
    assertTrue(stderr.contains(sentence), "stderr should say '" + sentence + "':\n" + r);
    assertEquals(1, stderr.lines().count(), "one sentence:\n" + r);
    assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), "no stack trace:\n" + r);
    assertFalse(r.stdout().contains("Batch ID"), "no batch started:\n" + r);
    assertEquals(0, listMigrations(UNTOUCHED).size(), "no migration of " + UNTOUCHED);
    JsonNode app = api(SOURCE).app(UNTOUCHED).orElseThrow();
    assertFalse(app.path("migrating").asBoolean(), app.toString());
  }

  @Test
  void abortOfAnUnknownBatchIsRefused() {
    String id = "batch-" + java.util.UUID.randomUUID();
    CliProcess.Result r = cli("migration-batch-abort", id);
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("No batch has the id " + id), r.toString());
    CliProcess.Result malformed = cli("migration-batch-abort", "not-a-batch");
    assertEquals(2, malformed.exitCode(), malformed.toString());
    assertTrue(malformed.stderr().contains("is not a batch id"), malformed.toString());
  }

  // ---- the stack ----------------------------------------------------------------------------

  @BeforeAll
  void startDevStack() throws Exception {
    home = newHome("it-batch");
    int temporalPort = FreePorts.find();
    dev =
        CliProcess.startAndAwait(
            CliProcess.env("REGIONMOVE_HOME", home),
            List.of(
                "dev",
                "--home",
                home.toString(),
                "--temporal-port",
                Integer.toString(temporalPort),
                "--ui-port",
                Integer.toString(FreePorts.find()),
                "--api-port-base",
                "0",
                "--rows",
                "100"),
            "regionmove dev is ready",
            Duration.ofMinutes(3),
            devOutput);
    env =
        CliProcess.env(
            "REGIONMOVE_REGIONS",
            home.resolve("regions.json"),
            "TEMPORAL_ADDRESS",
            "127.0.0.1:" + temporalPort,
            "REGIONMOVE_HOME",
            home);
    regions = Regions.load(home.resolve("regions.json"));
    seed(UNTOUCHED, 10);
  }

  @AfterAll
  void stopDevStack() throws Exception {
    if (dev != null) {
      dev.destroy();
      if (!dev.waitFor(60, TimeUnit.SECONDS)) {
        dev.destroyForcibly();
      } else {
        DemoCommand.deleteRecursively(home);
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CliProcess.Result cli(String... args) {
    return CliProcess.run(env, List.of(args));
  }

  /**
   * A command that may take minutes on a loaded machine (a whole batch, an abort undoing several
   * migrations): the shared runner gives up after 4.
   */
  private CliProcess.Result runLong(String... args) throws Exception {
    Process process = CliProcess.builder(env, List.of(args)).start();
    process.getOutputStream().close();
    CompletableFuture<String> out = CliProcess.read(process.getInputStream());
    CompletableFuture<String> err = CliProcess.read(process.getErrorStream());
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("regionmove " + String.join(" ", args) + " did not end in 15 min");
    }
    return new CliProcess.Result(process.exitValue(), out.get(), err.get());
  }

  private void seed(String app, int rows) {
    CliProcess.Result r =
        cli("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", Integer.toString(rows));
    assertEquals(0, r.exitCode(), r.toString());
  }

  private static String scalar(String addonUrl, String sql) throws java.sql.SQLException {
    PostgresServer server = PostgresServer.fromUrl(addonUrl);
    try (java.sql.Connection c = server.connect(PostgresServer.databaseOf(addonUrl));
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private RegionApi api(String region) {
    return new RegionApi(regions.get(region));
  }

  private JsonNode listMigrations(String app) throws Exception {
    CliProcess.Result r = cli("--json", "--region", SOURCE, "--app", app, "migrations");
    assertEquals(0, r.exitCode(), r.toString());
    return JSON.readTree(r.stdout());
  }

  private JsonNode migrationOf(String app, String id) throws Exception {
    for (JsonNode migration : listMigrations(app)) {
      if (id.equals(migration.path("id").asText())) {
        return migration;
      }
    }
    throw new AssertionError("migration " + id + " of " + app + " is not listed");
  }

  /** App to migration id, from the last table the command printed. */
  private static Map<String, String> finalTable(String stdout) {
    Map<String, String> ids = new LinkedHashMap<>();
    finalTableWithStatus(stdout).forEach((app, rest) -> ids.put(app, rest.substring(0, 36)));
    return ids;
  }

  /** App to "migration id status", from the last table the command printed. */
  private static Map<String, String> finalTableWithStatus(String stdout) {
    List<String> lines = stdout.lines().toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("APP ")) {
        header = i;
      }
    }
    assertTrue(header >= 0, "a table:\n" + stdout);
    Map<String, String> rows = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^(\\S+)\\s+(" + UUID + "\\s+.*)$");
    for (String line : lines.subList(header + 1, lines.size())) {
      Matcher m = row.matcher(line);
      if (!m.matches()) {
        break;
      }
      rows.put(m.group(1), m.group(2).strip());
    }
    return rows;
  }

  /** The most intervals open at the same instant (one that ends as another starts: not both). */
  private static int mostAtOnce(List<Instant[]> intervals) {
    List<long[]> events = new ArrayList<>();
    for (Instant[] interval : intervals) {
      events.add(new long[] {interval[0].toEpochMilli(), 1});
      events.add(new long[] {interval[1].toEpochMilli(), -1});
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int open = 0;
    int most = 0;
    for (long[] event : events) {
      open += (int) event[1];
      most = Math.max(most, open);
    }
    return most;
  }

  private static String describe(List<Instant[]> intervals) {
    return intervals.stream().map(i -> i[0] + " → " + i[1]).toList().toString();
  }

  private static Path newHome(String name) {
    try {
      Path dir = Path.of("target", name + "-" + System.currentTimeMillis()).toAbsolutePath();
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
