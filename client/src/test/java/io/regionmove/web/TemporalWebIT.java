package io.regionmove.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.workflows.AppMigrationWorkflow;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Temporal Web, served by the Temporal CLI's dev server, in headless Chromium: a finished
 * migration's page shows the workflow, its activities by name with their one-line summaries, its
 * summary and details, its search attributes, and the workflows list filters on them. Each view is
 * saved as a screenshot under {@code target/}. Fails, never skips, without the Temporal CLI,
 * PostgreSQL or Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalWebIT {

  private static final Duration RENDER = Duration.ofSeconds(60);

  @RegisterExtension
  static final RegionmoveTestStack stack = RegionmoveTestStack.onPersistentDevServer();

  private HeadlessChromium browser;
  private String done;
  private String inProgress;
  private String runId;

  @BeforeAll
  void migrateAndOpenTheBrowser() {
    stack
        .startWorkerProcess(WorkerProcess.Launch.regionmoveWorker())
        .awaitStarted(Duration.ofSeconds(60));
    stack.seedSourceApp("my-app", 500);
    stack.seedSourceApp("other-app", 100);
    MigrationClient migrations =
        new MigrationClient(
            stack.client(), new MigrationIndex(stack.dir().resolve("migrations.json")));
    done =
        migrations.create(
            "my-app",
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            "my-app",
            new MigrationSettings(null, null, null));
    assertEquals(
        MigrationStatus.PREFLIGHT_SUCCESS,
        migrations.awaitPreflight(done, m -> {}, Duration.ofSeconds(60)).status());
    migrations.prepare(done);
    migrations.data(done);
    assertEquals(MigrationStatus.DONE, migrations.finalize(done).status());
    inProgress =
        migrations.create(
            "other-app",
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            "other-app",
            new MigrationSettings(null, null, null));
    assertEquals(
        MigrationStatus.PREFLIGHT_SUCCESS,
        migrations.awaitPreflight(inProgress, m -> {}, Duration.ofSeconds(60)).status());
    runId =
        stack
            .client()
            .newUntypedWorkflowStub(AppMigrationWorkflow.workflowId(done))
            .describe()
            .getExecution()
            .getRunId();
    browser = HeadlessChromium.start(stack.dir().resolve("chromium"));
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void workflowPageShowsTheMigrationAndItsActivitiesByNameWithTheirSummaries() {
    browser.navigate(web("/namespaces/default/workflows/" + done));
    String page =
        browser.awaitText(
            "the workflow and its activities",
            t ->
                t.contains(done)
                    && t.contains("AppMigrationWorkflow")
                    && t.contains("RedirectSource"),
            RENDER);
    for (String expected :
        List.of(
            "regionmove-migrations",
            "FreezeSource • freeze source app",
            "CreateApp • create destination app",
            "CopyConfig • copy environment variables",
            "BackupAddon",
            "RestoreAddon",
            "VerifyAddon",
            "StartApp • start destination app")) {
      assertTrue(page.contains(expected), "the history shows '" + expected + "':\n" + page);
    }
    browser.screenshot(screenshot("temporal-web-" + done + ".png"));
  }

  @Test
  void userMetadataShowsTheSummaryTheDetailsAndTheCurrentStatus() {
    browser.navigate(web("/namespaces/default/workflows/" + done + "/" + runId + "/user-metadata"));
    String page =
        browser.awaitText(
            "the summary, the details and the current details",
            t ->
                t.contains("Migrate my-app: agora-fr1 → osc-fr1")
                    && t.contains("Destination region: osc-fr1")
                    && t.contains("done — my-app: agora-fr1 → osc-fr1"),
            RENDER);
    assertTrue(
        page.contains("freeze source app") && page.contains("redirect source app"),
        "activity summaries:\n" + page);
    browser.screenshot(screenshot("temporal-web-" + done + "-metadata.png"));
  }

  @Test
  void searchAttributesTabShowsTheMigrationsAttributes() {
    browser.navigate(
        web("/namespaces/default/workflows/" + done + "/" + runId + "/search-attributes"));
    String page =
        browser.awaitText(
            "the search attributes", t -> t.contains("RegionMigrationStatus"), RENDER);
    for (String expected :
        List.of(
            "\"RegionMigrationApp\": \"my-app\"",
            "\"RegionMigrationSource\": \"agora-fr1\"",
            "\"RegionMigrationDestination\": \"osc-fr1\"",
            "\"RegionMigrationStatus\": \"done\"")) {
      assertTrue(page.contains(expected), "search attributes show " + expected + ":\n" + page);
    }
    browser.screenshot(screenshot("temporal-web-" + done + "-search-attributes.png"));
  }

  @Test
  void workflowsListFiltersOnTheStatusSearchAttribute() {
    browser.navigate(
        web("/namespaces/default/workflows?query=" + encode("RegionMigrationStatus=\"done\"")));
    String page =
        browser.awaitText(
            "the done migration", t -> t.contains(done) && t.contains("of 1"), RENDER);
    assertTrue(page.contains("AppMigrationWorkflow"), page);
    assertFalse(page.contains(inProgress), "the in-progress migration is filtered out:\n" + page);
    browser.screenshot(screenshot("temporal-web-list-done.png"));

    browser.navigate(
        web(
            "/namespaces/default/workflows?query="
                + encode("RegionMigrationStatus=\"preflight-success\"")));
    page = browser.awaitText("the in-progress migration", t -> t.contains(inProgress), RENDER);
    assertFalse(page.contains(done), "the done migration is filtered out:\n" + page);
  }

  private String web(String path) {
    return stack.temporalServer().webUrl().orElseThrow() + path;
  }

  private static String encode(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Path screenshot(String name) {
    Path file = Path.of("target", name).toAbsolutePath();
    try {
      Files.deleteIfExists(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }
}
