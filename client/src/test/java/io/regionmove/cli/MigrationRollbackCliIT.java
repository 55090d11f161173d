package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.activities.config.Regions;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.DatabaseFingerprint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §10 {@code migration-rollback} from the command line: {@code regionmove dev} in its own
 * process, every command a separate process. A write made in the destination after the cutover is
 * found in the source after the rollback; the source app answers 200 again, not redirected; the
 * destination app and its database are gone (also after a live cutover, through its replication
 * back); a second rollback, the rollback of an aborted migration and one after the redirect window
 * are refused in one sentence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationRollbackCliIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);

  @RegisterExtension static final DevProcess dev = new DevProcess("--rows", "200");

  private Map<String, String> env;
  private Regions regions;

  @BeforeAll
  void readTheDevStack() {
    env = dev.env();
    regions = dev.regions();
  }

  @Test
  void rollbackAfterDataBringsTheDestinationsWritesBackAndTheAppRunsAgainInItsSource()
      throws Exception {
    String app = "rollback-app";
    seed(app, 300);
    JsonNode before = api(SOURCE).app(app).orElseThrow();
    String sourceUrl = before.path("url").asText();
    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--data", id);
    CliProcess.Result finalized =
        ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", id);
    assertTrue(
        finalized.stdout().contains(NextCommands.base(SOURCE, app) + " migration-rollback " + id),
        "finalize offers the rollback:\n" + finalized);
    assertEquals(308, CliProcess.httpStatus(sourceUrl), "redirected before the rollback");

    // The app, now in the destination, takes a write after the cutover.
    String destinationDb = api(DESTINATION).postgresqlUrl(app).orElseThrow();
    execute(
        destinationDb,
        "INSERT INTO customers (id, name, email, active, balance, signed_up_on, tags)"
            + " VALUES (900001, 'Written after cutover', 'late@example.com', true, 42.50,"
            + " DATE '2030-01-02', ARRAY['rollback'])");
    Map<String, DatabaseFingerprint.Table> destinationData = DatabaseFingerprint.of(destinationDb);

    CliProcess.Result rolledBack =
        ok("--region", SOURCE, "--app", app, "migration-rollback", "--yes", id);

    assertTrue(
        rolledBack
            .stdout()
            .contains(
                "The migration '"
                    + id
                    + "' has been rolled back: "
                    + app
                    + " runs again in '"
                    + SOURCE
                    + "' at "
                    + sourceUrl),
        rolledBack.toString());
    String sourceDb = api(SOURCE).postgresqlUrl(app).orElseThrow();
    assertEquals(
        "Written after cutover",
        scalar(sourceDb, "SELECT name FROM customers WHERE id = 900001"),
        "the destination's write is in the source");
    assertEquals(destinationData, DatabaseFingerprint.of(sourceDb), "every table as it was");

    JsonNode after = api(SOURCE).app(app).orElseThrow();
    assertEquals("running", after.path("status").asText());
    assertFalse(after.path("migrating").asBoolean(), "unfrozen");
    assertEquals(before.path("formation"), after.path("formation"));
    assertEquals(200, CliProcess.httpStatus(sourceUrl), "answers again, with no redirect (308)");

    assertEquals(
        404, api(DESTINATION).get("/v1/apps/" + app).status(), "the destination app is gone");
    SQLException gone = assertThrows(SQLException.class, () -> scalar(destinationDb, "SELECT 1"));
    assertTrue(
        Set.of("3D000", "28P01", "28000").contains(gone.getSQLState()),
        "the destination database is dropped: " + gone.getSQLState() + " " + gone.getMessage());

    CliProcess.Result list = ok("--region", SOURCE, "--app", app, "migrations");
    assertTrue(list.stdout().contains("rolled-back"), list.toString());

    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-rollback", "--yes", id),
        "Cannot roll back: the migration is already rolled back.");
  }

  @Test
  void rollbackAfterALiveCutoverBringsTheDestinationsWritesBackThroughTheReplicationBack()
      throws Exception {
    String app = "live-rollback-app";
    seed(app, 300);
    JsonNode before = api(SOURCE).app(app).orElseThrow();
    String sourceUrl = before.path("url").asText();
    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--data", "--live", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", id);
    assertEquals(308, CliProcess.httpStatus(sourceUrl), "redirected before the rollback");

    String destinationDb = api(DESTINATION).postgresqlUrl(app).orElseThrow();
    execute(
        destinationDb,
        "INSERT INTO customers (id, name, email, active, balance, signed_up_on, tags)"
            + " VALUES (900002, 'Written after a live cutover', 'live@example.com', true, 7.25,"
            + " DATE '2030-01-03', ARRAY['live'])");
    Map<String, DatabaseFingerprint.Table> destinationData = userTables(destinationDb);

    CliProcess.Result rolledBack =
        ok("--region", SOURCE, "--app", app, "migration-rollback", "--yes", id);

    assertTrue(rolledBack.stdout().contains("has been rolled back"), rolledBack.toString());
    String sourceDb = api(SOURCE).postgresqlUrl(app).orElseThrow();
    assertEquals(
        "Written after a live cutover",
        scalar(sourceDb, "SELECT name FROM customers WHERE id = 900002"),
        "the destination's write is in the source");
    assertEquals(destinationData, userTables(sourceDb), "every table as it was");
    assertEquals(200, CliProcess.httpStatus(sourceUrl), "answers again, with no redirect (308)");
    execute(sourceDb, "UPDATE customers SET name = 'Writable again' WHERE id = 900002");
    assertEquals(
        "0",
        scalar(
            sourceDb,
            "SELECT count(subname) FROM pg_subscription WHERE subdbid ="
                + " (SELECT oid FROM pg_database WHERE datname = current_database())"),
        "no subscription back is left");
    assertEquals("0", scalar(sourceDb, "SELECT count(*) FROM pg_publication"));
    assertEquals(
        "0",
        scalar(sourceDb, "SELECT count(*) FROM pg_namespace WHERE nspname = 'regionmove'"),
        "the markers are gone");
    assertEquals(
        404, api(DESTINATION).get("/v1/apps/" + app).status(), "the destination app is gone");
  }

  /** Every table but regionmove's markers, which the two sides drop at different times. */
  private static Map<String, DatabaseFingerprint.Table> userTables(String url) {
    Map<String, DatabaseFingerprint.Table> tables = DatabaseFingerprint.of(url);
    tables.keySet().removeIf(name -> name.startsWith("regionmove."));
    return tables;
  }

  @Test
  void rollbackOfAnAbortedMigrationIsRefusedInOneSentenceAndChangesNothing() {
    String app = "aborted-app";
    seed(app, 20);
    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-abort", id);
    JsonNode before = api(SOURCE).app(app).orElseThrow();

    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-rollback", "--yes", id),
        "Cannot roll back: the migration is aborted; only a done migration can be rolled back,"
            + " within its redirect window.");

    assertEquals(before, api(SOURCE).app(app).orElseThrow());
    assertEquals(404, api(DESTINATION).get("/v1/apps/" + app).status());
  }

  @Test
  void rollbackWithoutDataStepStartsTheSourceAgainAndDeletesTheDestination() {
    String app = "no-data-app";
    seed(app, 20);
    JsonNode before = api(SOURCE).app(app).orElseThrow();
    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", id);

    ok("--region", SOURCE, "--app", app, "migration-rollback", id);

    JsonNode after = api(SOURCE).app(app).orElseThrow();
    assertEquals("running", after.path("status").asText());
    assertFalse(after.path("migrating").asBoolean());
    assertEquals(before.path("formation"), after.path("formation"));
    assertEquals(200, CliProcess.httpStatus(before.path("url").asText()));
    assertEquals(404, api(DESTINATION).get("/v1/apps/" + app).status());
  }

  @Test
  void rollbackOnceTheRedirectWindowIsOverIsRefusedInOneSentence() throws Exception {
    String app = "window-app";
    seed(app, 20);
    Map<String, String> shortWindow = new HashMap<>(env);
    shortWindow.put("REGIONMOVE_REDIRECT_WINDOW", "PT5S");
    CliProcess.Result created =
        CliProcess.run(
            shortWindow,
            List.of("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    assertEquals(0, created.exitCode(), created.toString());
    String id = migrationId(created);
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", id);
    awaitGone(app);

    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-rollback", "--yes", id),
        "Cannot roll back: the redirect window of the migration is over and the old app "
            + app
            + " in "
            + SOURCE
            + " has been deleted.");
    assertEquals(200, api(DESTINATION).get("/v1/apps/" + app).status(), "the new app stays");
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Waits for the cleanup after the redirect window to delete the old app. */
  private void awaitGone(String app) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (api(SOURCE).app(app).isPresent()) {
      assertTrue(System.nanoTime() < deadline, "the old app " + app + " was never deleted");
      Thread.sleep(500);
    }
  }

  private static void assertOneSentence(CliProcess.Result r, String expected) {
    assertEquals(1, r.exitCode(), r.toString());
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

  private void seed(String app, int rows) {
    ok("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", Integer.toString(rows));
  }

  private static String migrationId(CliProcess.Result r) {
    Matcher m = ID.matcher(r.stdout());
    assertTrue(m.find(), "no 'Migration ID:' line:\n" + r);
    return m.group(1);
  }

  private RegionApi api(String region) {
    return new RegionApi(regions.get(region));
  }

  private static Connection connect(String addonUrl) throws SQLException {
    PostgresServer server = PostgresServer.fromUrl(addonUrl);
    return DriverManager.getConnection(
        server.jdbcUrl(PostgresServer.databaseOf(addonUrl)), server.user(), server.password());
  }

  private static void execute(String addonUrl, String sql) throws SQLException {
    try (Connection c = connect(addonUrl);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String scalar(String addonUrl, String sql) throws SQLException {
    try (Connection c = connect(addonUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
