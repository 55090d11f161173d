package io.regionmove.regionapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every name, email or id the client puts in a path stays one percent-encoded path segment. */
class RegionClientPathsTest {

  private RecordingRegionServer server;
  private RegionClient client;

  @BeforeEach
  void start() throws Exception {
    server = new RecordingRegionServer();
    client = new RegionClient(server.endpoint(), Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAppNameThatIsNotASafeSegmentIsEncoded() {
    server.answer(404, "{\"error\":\"unknown app\"}");

    assertTrue(client.findApp("my app/../admin?x=1#top").isEmpty());
    client.deleteApp("é-app");
    client.deleteApp("..");

    assertEquals(
        List.of(
            "GET /v1/apps/my%20app%2F..%2Fadmin%3Fx%3D1%23top",
            "DELETE /v1/apps/%C3%A9-app", "DELETE /v1/apps/%2E%2E"),
        server.requests());
  }

  @Test
  void aCollaboratorEmailWithAPlusStaysOneSegment() {
    server.answer(204, "");

    assertTrue(client.removeCollaborator("my-app", "carol+ops@example.com"));

    assertEquals(
        List.of("DELETE /v1/apps/my-app/collaborators/carol%2Bops%40example.com"),
        server.requests());
  }

  @Test
  void domainsVariablesNotifiersAddonsAndProcessTypesAreEncoded() {
    server.answer(404, "");

    assertFalse(client.removeDomain("my-app", "shop.example.com"));
    assertFalse(client.deleteVariable("my-app", "A B"));
    assertFalse(client.removeNotifier("my-app", "n/1"));
    assertFalse(client.deleteAddon("my-app", "ad 1"));
    assertFalse(client.removeProcessType("my-app", "web:2"));

    assertEquals(
        List.of(
            "DELETE /v1/apps/my-app/domains/shop.example.com",
            "DELETE /v1/apps/my-app/variables/A%20B",
            "DELETE /v1/apps/my-app/notifiers/n%2F1",
            "DELETE /v1/apps/my-app/addons/ad%201",
            "DELETE /v1/apps/my-app/containers/web%3A2"),
        server.requests());
  }

  @Test
  void readsSnakeCaseObjectsAndIgnoresUnknownFields() {
    server.answer(
        200,
        """
        {"app":{"name":"my-app","status":"running","migrating":false,"owner":"someone",
         "settings":{"force_https":true,"sticky_session":false,"new_setting":1},
         "redirect":{"to":"http://x/","until":"2030-01-02T03:04:05Z"}}}""");

    RegionApp app = client.getApp("my-app");

    assertEquals(new AppSettings(true, false), app.settings());
    assertEquals("2030-01-02T03:04:05Z", app.redirect().until().toString());
    assertEquals(List.of("GET /v1/apps/my-app"), server.requests());
  }

  @Test
  void replicationPathsKeepTheAddonIdOneSegmentAndNeverShowTheSourceUrl() {
    server.answer(404, "{\"error\":\"no replication\"}");

    assertTrue(client.findReplication("my-app", "ad/1").isEmpty());
    assertFalse(client.stopReplication("my-app", "ad/1"));
    assertFalse(client.disallowReplicationSource("my-app", "ad 2"));
    ReplicationRequest request =
        new ReplicationRequest("postgresql://u:secret@h:5432/db", "p", "s", "s", false);

    assertFalse(request.toString().contains("secret"), request.toString());
    assertEquals(
        List.of(
            "GET /v1/apps/my-app/addons/ad%2F1/replication",
            "DELETE /v1/apps/my-app/addons/ad%2F1/replication",
            "DELETE /v1/apps/my-app/addons/ad%202/replication-source"),
        server.requests());
  }
}
