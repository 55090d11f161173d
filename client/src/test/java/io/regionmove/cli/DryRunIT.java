package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.activities.config.Regions;
import io.regionmove.regionapi.Json;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.worker.TemporalClients;
import io.regionmove.workflows.AppMigrationLockWorkflow;
import io.regionmove.workflows.MigrationDryRunWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code migration-create --dry-run} end to end against {@code regionmove dev} (SPEC §10): it runs
 * every preflight check and prints the plan, and leaves no trace: no workflow running, none listed
 * by {@code migrations}, no lock, the destination untouched. With {@code --live} it also runs live
 * data mode's readiness checks, read-only: no publication, no replication slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DryRunIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final Pattern SIZE =
      Pattern.compile(
          "^  - postgresql (\\S+) \\(starter-512, version \\d+\\): [0-9.]+ (kB|MB|GB), moved by"
              + " regionmove \\(backup, restore, verify\\), about \\d+ (s|min)",
          Pattern.MULTILINE);

  @RegisterExtension static final DevProcess dev = new DevProcess();

  private Map<String, String> env;
  private Regions regions;
  private WorkflowClient temporal;

  @BeforeAll
  void connect() {
    env = dev.env();
    regions = dev.regions();
    temporal = TemporalClients.connect(dev.temporalAddress(), TemporalClients.DEFAULT_NAMESPACE);
  }

  @AfterAll
  void disconnect() {
    if (temporal != null) {
      temporal.getWorkflowServiceStubs().shutdownNow();
    }
  }

  @Test
  void dryRunPrintsThePlanAndLeavesNoTrace() throws Exception {
    String app = "dry-app";
    seed(app, 2000);
    JsonNode sourceBefore = api(SOURCE).app(app).orElseThrow();
    JsonNode destinationAppsBefore = api(DESTINATION).get("/v1/apps").body();

    CliProcess.Result r = dryRun(app);

    assertEquals(0, r.exitCode(), r.toString());
    String out = r.stdout();
    assertFalse(out.contains("Migration ID"), "a dry run has no migration id:\n" + r);
    assertTrue(out.contains("  [done] Check app dry-app in agora-fr1"), r.toString());
    assertTrue(out.contains("  [done] Plan the move of dry-app"), r.toString());
    assertTrue(out.contains("Prepare will copy to app dry-app in osc-fr1:"), r.toString());
    assertTrue(out.contains("  - 1 accepted collaborator: "), r.toString());
    assertTrue(out.contains("; skipped: 1 pending collaborator"), r.toString());
    assertTrue(out.contains("  - 1 domain: dry-app.example.com"), r.toString());
    assertTrue(out.contains("  - formation web: 2 × "), r.toString());
    Matcher size = SIZE.matcher(out);
    assertTrue(size.find(), "the postgresql addon with its size:\n" + r);
    assertTrue(
        Pattern.compile(
                "^Estimated data step: about \\d+ (s|min).* at 18 s per GB, the source app stopped"
                    + " meanwhile\\)\\.$",
                Pattern.MULTILINE)
            .matcher(out)
            .find(),
        r.toString());
    assertTrue(out.contains("Your app can be migrated to the osc-fr1 zone."), r.toString());
    assertTrue(out.endsWith("Dry run: nothing was created.\n"), r.toString());
    assertEquals("", r.stderr().strip(), r.toString());

    // No trace: the destination, the source, the migrations list, the lock, no running workflow.
    assertTrue(api(DESTINATION).app(app).isEmpty(), "the destination app does not exist");
    assertEquals(destinationAppsBefore, api(DESTINATION).get("/v1/apps").body());
    assertEquals(sourceBefore, api(SOURCE).app(app).orElseThrow());
    CliProcess.Result listed = cli("--region", SOURCE, "--app", app, "migrations");
    assertEquals(0, listed.exitCode(), listed.toString());
    assertTrue(
        listed.stdout().startsWith("No migration of app dry-app in agora-fr1 yet."),
        listed.toString());
    Map<String, String> noIndex = new HashMap<>(env);
    noIndex.put("REGIONMOVE_HOME", dev.home().resolve("no-index").toString());
    CliProcess.Result throughVisibility =
        CliProcess.run(noIndex, List.of("--region", SOURCE, "--app", app, "migrations"));
    assertTrue(
        throughVisibility.stdout().startsWith("No migration of app dry-app in agora-fr1 yet."),
        throughVisibility.toString());
    List<WorkflowExecutionMetadata> dryRuns =
        temporal
            .listExecutions("WorkflowType=\"" + MigrationDryRunWorkflow.WORKFLOW_TYPE + "\"")
            .toList();
    assertFalse(dryRuns.isEmpty(), "the dry run was a workflow");
    for (WorkflowExecutionMetadata run : dryRuns) {
      assertTrue(run.getExecution().getWorkflowId().startsWith("dryrun-"), run::toString);
      assertEquals(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
          temporal
              .newUntypedWorkflowStub(run.getExecution().getWorkflowId())
              .describe()
              .getStatus(),
          "no dry run is left running");
    }
    assertFalse(workflowExists(AppMigrationLockWorkflow.lockId(SOURCE, app)), "no app lock taken");

    // And the app can still be migrated for real.
    CliProcess.Result created =
        cli("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION);
    assertEquals(0, created.exitCode(), created.toString());
    Matcher id = Pattern.compile("Migration ID: (\\S+)").matcher(created.stdout());
    assertTrue(id.find(), created.toString());
    assertEquals(
        0, cli("--region", SOURCE, "--app", app, "migration-abort", id.group(1)).exitCode());
  }

  @Test
  void dryRunAsJsonPrintsThePlanObject() throws Exception {
    String app = "dry-json-app";
    seed(app, 100);

    CliProcess.Result r =
        cli(
            "--json",
            "--region",
            SOURCE,
            "--app",
            app,
            "migration-create",
            "--to",
            DESTINATION,
            "--dry-run");

    assertEquals(0, r.exitCode(), r.toString());
    JsonNode plan = Json.mapper().readTree(r.stdout());
    assertTrue(plan.path("canMigrate").asBoolean(false), r.toString());
    assertEquals("preflight-success", plan.path("preflight").path("status").asText());
    JsonNode addon = plan.path("move").path("addons").get(0);
    assertEquals("postgresql", addon.path("addon").path("provider").asText());
    assertEquals("ENGINE", addon.path("handling").asText());
    assertTrue(addon.path("sizeBytes").asLong() > 0, addon::toString);
    assertEquals(6, plan.path("move").path("config").size(), r.toString());
  }

  @Test
  void dryRunOfAnAppThatCannotMoveExitsWith1WithTheFailedChecks() throws Exception {
    String app = "dry-docs-app";
    seed(app, 100);
    String mongodb = MetadataOnlyAddon.addMongodb(regions.get(SOURCE), app);

    CliProcess.Result r = dryRun(app);

    assertEquals(1, r.exitCode(), r.toString());
    String sentence = "Addon mongodb " + mongodb + " holds data that regionmove cannot move.";
    assertTrue(
        r.stdout().contains("The migration cannot go ahead:\n  - " + sentence + "\n"),
        r.toString());
    assertTrue(
        r.stdout()
            .contains(
                "  regionmove --region agora-fr1 --app dry-docs-app migration-create --to osc-fr1"
                    + " --manual-data "
                    + mongodb
                    + "\n"),
        r.toString());
    assertTrue(
        r.stdout()
            .contains(
                "holds data that regionmove cannot move: refused unless you move its data by hand"
                    + " (--manual-data "
                    + mongodb
                    + ")\n"),
        r.toString());
    assertTrue(r.stdout().endsWith("Dry run: nothing was created.\n"), r.toString());
    assertEquals(
        "The migration cannot go ahead: " + sentence.substring(0, sentence.length() - 1) + ".",
        r.stderr().strip(),
        r.toString());

    CliProcess.Result withManualData =
        cli(
            "--region",
            SOURCE,
            "--app",
            app,
            "migration-create",
            "--to",
            DESTINATION,
            "--dry-run",
            "--manual-data",
            mongodb);
    assertEquals(0, withManualData.exitCode(), withManualData.toString());
    assertTrue(
        withManualData
            .stdout()
            .contains(
                "  - mongodb "
                    + mongodb
                    + " (starter-512, version 7): holds data that regionmove cannot move,"
                    + " provisioned empty: you move its data by hand (--manual-data)"),
        withManualData.toString());

    CliProcess.Result ghost =
        cli(
            "--region",
            SOURCE,
            "--app",
            "ghost-app",
            "migration-create",
            "--to",
            DESTINATION,
            "--dry-run");
    assertEquals(1, ghost.exitCode(), ghost.toString());
    assertTrue(
        ghost.stdout().contains("  - App ghost-app does not exist in region agora-fr1."),
        ghost.toString());
    assertTrue(ghost.stdout().endsWith("Dry run: nothing was created.\n"), ghost.toString());
  }

  @Test
  void liveDryRunOfAReadyDatabaseRunsTheLiveChecksAndLeavesNoTrace() throws Exception {
    String app = "dry-live-app";
    seed(app, 500);
    String database = api(SOURCE).postgresqlUrl(app).orElseThrow();
    JsonNode destinationAppsBefore = api(DESTINATION).get("/v1/apps").body();

    CliProcess.Result r = liveDryRun(app);

    assertEquals(0, r.exitCode(), r.toString());
    String out = r.stdout();
    assertTrue(
        out.startsWith(
            "Dry run of the migration of app dry-live-app from agora-fr1 to osc-fr1 with live"
                + " data mode:"),
        r.toString());
    Matcher check =
        Pattern.compile(
                "^  \\[done\\] Check that postgresql addon (\\S+) can be replicated live",
                Pattern.MULTILINE)
            .matcher(out);
    assertTrue(check.find(), "the live checks' step line:\n" + r);
    assertTrue(
        out.contains("Live mode, addon " + check.group(1) + ": "),
        "each check's sentence under its step:\n" + r);
    assertTrue(
        out.contains("the source app running meanwhile and replicated until you finalize"),
        r.toString());
    assertTrue(out.contains("Your app can be migrated to the osc-fr1 zone."), r.toString());
    assertTrue(out.endsWith("Dry run: nothing was created.\n"), r.toString());
    assertEquals("", r.stderr().strip(), r.toString());

    // Read-only: no publication, no replication slot, no replication right granted.
    assertEquals("0", scalar(database, "select count(*) from pg_publication"));
    assertEquals(
        "0",
        scalar(
            database,
            "select count(*) from pg_replication_slots where database = current_database()"));
    assertEquals(
        "f", scalar(database, "select rolreplication from pg_roles where rolname = current_user"));
    assertTrue(api(DESTINATION).app(app).isEmpty(), "the destination app does not exist");
    assertEquals(destinationAppsBefore, api(DESTINATION).get("/v1/apps").body());
    assertFalse(workflowExists(AppMigrationLockWorkflow.lockId(SOURCE, app)), "no app lock taken");
    CliProcess.Result listed = cli("--region", SOURCE, "--app", app, "migrations");
    assertTrue(
        listed.stdout().startsWith("No migration of app dry-live-app in agora-fr1 yet."),
        listed.toString());
  }

  @Test
  void liveDryRunOfADatabaseWithATableWithoutKeyNamesItAndPointsToStopAndCopy() throws Exception {
    String app = "dry-keyless-app";
    seed(app, 100);
    execute(
        api(SOURCE).postgresqlUrl(app).orElseThrow(),
        "create table audit_trail (at timestamptz not null default now(), what text)");

    CliProcess.Result r = liveDryRun(app);

    assertEquals(1, r.exitCode(), r.toString());
    Matcher refusal =
        Pattern.compile(
                "^  - Live mode, addon \\S+: tables without a primary key or replica identity index"
                    + " \\(their updates and deletes cannot be replicated\\): public\\.audit_trail;"
                    + " add one, or use migration-run --data \\(stop and copy\\) instead\\.$",
                Pattern.MULTILINE)
            .matcher(r.stdout());
    assertTrue(
        refusal.find(), "the refusal names the table and the stop-and-copy data step:\n" + r);
    assertTrue(
        r.stdout().indexOf("The migration cannot go ahead:\n") < refusal.start(), r.toString());
    assertTrue(r.stdout().endsWith("Dry run: nothing was created.\n"), r.toString());
    assertTrue(
        r.stderr().strip().startsWith("The migration cannot go ahead: Live mode, addon "),
        r.toString());
    assertTrue(r.stderr().contains("public.audit_trail"), r.toString());

    // The stop-and-copy data step it points to has nothing against that table.
    CliProcess.Result stopAndCopy = dryRun(app);
    assertEquals(0, stopAndCopy.exitCode(), stopAndCopy.toString());
  }

  @Test
  void liveWithoutDryRunIsAUsageError() {
    CliProcess.Result r =
        cli(
            "--region",
            SOURCE,
            "--app",
            "my-app",
            "migration-create",
            "--to",
            DESTINATION,
            "--live");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("--live goes with --dry-run"), r.toString());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CliProcess.Result dryRun(String app) {
    return cli(
        "--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION, "--dry-run");
  }

  private CliProcess.Result liveDryRun(String app) {
    return cli(
        "--region",
        SOURCE,
        "--app",
        app,
        "migration-create",
        "--to",
        DESTINATION,
        "--dry-run",
        "--live");
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

  private boolean workflowExists(String workflowId) {
    try {
      temporal.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  private CliProcess.Result cli(String... args) {
    return CliProcess.run(env, List.of(args));
  }

  private void seed(String app, int rows) {
    CliProcess.Result r =
        cli("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", Integer.toString(rows));
    assertEquals(0, r.exitCode(), r.toString());
  }

  private RegionApi api(String region) {
    return new RegionApi(regions.get(region));
  }
}
