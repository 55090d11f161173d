package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole migrations that skip the data step, against a real worker, Temporal and two regions. */
class MigrationWithoutDataIT {

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onTestServer();

  @BeforeAll
  static void startWorker() {
    stack.startWorker();
  }

  @Test
  void prepareThenFinalizeMovesTheAppAndRedirectsTheOldUrl() {
    stack.seedSourceApp("my-app", 100);
    String oldUrl = stack.source().routerUrl("my-app");
    assertEquals(
        200, SandboxProbe.routerGet(oldUrl).statusCode(), "the source app answers before the move");

    AppMigrationWorkflow migration = stack.startMigration("my-app");
    RegionmoveTestStack.awaitPreflightSuccess(migration);

    Migration prepared = migration.prepare();
    assertEquals(MigrationStatus.PREPARED, prepared.status(), () -> "prepare: " + prepared);

    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);
    assertEquals(MigrationStatus.DONE, migration.status().status());
    SearchAttributes attributes =
        WorkflowStub.fromTyped(migration).describe().getTypedSearchAttributes();
    assertEquals("done", attributes.get(MigrationSearchAttributes.STATUS));
    assertEquals("my-app", attributes.get(MigrationSearchAttributes.APP));
    assertEquals(RegionmoveTestStack.SOURCE, attributes.get(MigrationSearchAttributes.SOURCE));
    assertEquals(
        RegionmoveTestStack.DESTINATION, attributes.get(MigrationSearchAttributes.DESTINATION));
    String newUrl = stack.destination().routerUrl("my-app");
    assertEquals(newUrl, done.url());

    HttpResponse<String> old = SandboxProbe.routerGet(oldUrl);
    assertEquals(308, old.statusCode(), () -> "old URL: " + old.body());
    assertEquals(newUrl, old.headers().firstValue("Location").orElse(null));
    HttpResponse<String> moved = SandboxProbe.routerGet(newUrl);
    assertEquals(200, moved.statusCode(), () -> "new URL: " + moved.body());
  }

  @Test
  void abortAfterPrepareLeavesTheSourceAsItWasAndNoDestinationApp() {
    stack.seedSourceApp("other-app", 100);
    JsonNode before = SandboxProbe.appConfiguration(stack.source(), "other-app");
    assertNotNull(before);

    AppMigrationWorkflow migration = stack.startMigration("other-app");
    RegionmoveTestStack.awaitPreflightSuccess(migration);
    Migration prepared = migration.prepare();
    assertEquals(MigrationStatus.PREPARED, prepared.status(), () -> "prepare: " + prepared);
    assertNotNull(
        SandboxProbe.appConfiguration(stack.destination(), "other-app"),
        "prepare made the destination app");

    Migration aborted = migration.abort();
    assertEquals(MigrationStatus.ABORTED, aborted.status(), () -> "abort: " + aborted);
    assertEquals(java.util.List.of(), aborted.errors(), "every undo succeeded");

    assertEquals(before, SandboxProbe.appConfiguration(stack.source(), "other-app"));
    assertNull(SandboxProbe.appConfiguration(stack.destination(), "other-app"));
  }
}
