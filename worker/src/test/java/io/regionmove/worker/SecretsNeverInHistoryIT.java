package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC §4: no secret is an input or a result of anything Temporal records. */
class SecretsNeverInHistoryIT {

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  @BeforeAll
  static void startWorker() {
    stack.startWorker();
  }

  @Test
  void aWholeMigrationRecordsNoSecretInItsHistory() {
    stack.seedSourceApp("my-app", 1_000);
    Map<String, String> secrets = secretsOf("my-app");

    AppMigrationWorkflow migration = stack.startMigration("my-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertEquals(MigrationStatus.DATA_MIGRATED, migration.data().status());
    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);
    // The destination's own addon URL is a secret too.
    SandboxProbe.databaseUrls(stack.destination(), "my-app")
        .forEach(
            url ->
                secrets.put(
                    "destination database password", PostgresServer.fromUrl(url).password()));

    String history = stack.client().fetchHistory(id).toJson(true);
    assertTrue(history.contains("RestoreAddon"), "the history is the whole migration's");
    // The query's answer as Temporal's converter writes it (what the CLI and Temporal Web see).
    String status =
        DefaultDataConverter.newDefaultInstance()
            .toPayload(migration.status())
            .orElseThrow()
            .getData()
            .toStringUtf8();
    secrets.forEach(
        (what, value) -> {
          assertFalse(history.contains(value), () -> "the history holds the " + what);
          assertFalse(status.contains(value), () -> "the status query holds the " + what);
        });
    for (String marker : new String[] {"postgresql://", "postgres://", "PRIVATE KEY"}) {
      assertFalse(history.contains(marker), () -> "the history holds " + marker);
    }
  }

  /** What must never leave the regions, read from the source region before the migration. */
  private static Map<String, String> secretsOf(String app) {
    Map<String, String> secrets = new LinkedHashMap<>();
    for (JsonNode variable :
        SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/variables")
            .path("variables")) {
      if (variable.path("name").asText().equals("SECRET_KEY")) {
        secrets.put("SECRET_KEY value", variable.path("value").asText());
      }
    }
    assertTrue(secrets.containsKey("SECRET_KEY value"), "SampleApp seeds SECRET_KEY");
    secrets.put("source region token", stack.source().token());
    secrets.put("destination region token", stack.destination().token());
    for (JsonNode domain :
        SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/domains").path("domains")) {
      String key = domain.path("tlskey").asText("");
      if (!key.isEmpty()) {
        // A line of the key's base64 body: present whatever the PEM framing around it.
        secrets.put(
            "TLS private key of " + domain.path("name").asText(),
            key.lines().skip(1).findFirst().orElseThrow());
      }
    }
    for (JsonNode notifier :
        SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/notifiers")
            .path("notifiers")) {
      secrets.put("notifier URL", notifier.path("url").asText());
    }
    SandboxProbe.databaseUrls(stack.source(), app)
        .forEach(
            url -> secrets.put("source database password", PostgresServer.fromUrl(url).password()));
    secrets
        .values()
        .forEach(v -> assertFalse(v == null || v.length() < 8, "a secret worth looking for: " + v));
    return secrets;
  }
}
