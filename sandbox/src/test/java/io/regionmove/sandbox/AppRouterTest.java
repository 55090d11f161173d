package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.sandbox.SandboxFixture.Answer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppRouterTest {

  @TempDir static Path stateDir;
  static SandboxFixture region;

  @BeforeAll
  static void start() {
    region = SandboxFixture.start(stateDir, null);
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  private static String host(String app) {
    return app + "." + SandboxFixture.REGION + ".localhost:" + region.region.port();
  }

  @Test
  void theAppUrlIsTheRouterUrl() {
    region.createApp("url-app");
    assertEquals(
        region.region.routerUrl("url-app"),
        region.expect(200, "GET", "/v1/apps/url-app", null).at("/app/url").asText());
    assertEquals(
        "http://url-app." + SandboxFixture.REGION + ".localhost:" + region.region.port() + "/",
        region.region.routerUrl("url-app"));
  }

  @Test
  void aRunningAppAnswers200WithAPageNamingAppAndRegion() {
    region.createApp("web-app");
    region.expect(200, "POST", "/v1/apps/web-app/scale", SandboxFixture.scaleTo("web", 1));
    Answer page = region.router("GET", host("web-app"), "/any/path?x=1");
    assertEquals(200, page.status());
    assertTrue(
        page.text().contains("web-app") && page.text().contains(SandboxFixture.REGION),
        page.text());
    assertEquals(
        200, region.router("GET", "WEB-APP." + SandboxFixture.REGION + ".localhost", "/").status());
  }

  @Test
  void aStoppedAppAnswers503() {
    region.createApp("stopped-app");
    assertEquals(503, region.router("GET", host("stopped-app"), "/").status());
    region.expect(200, "POST", "/v1/apps/stopped-app/scale", SandboxFixture.scaleTo("web", 1));
    region.expect(200, "POST", "/v1/apps/stopped-app/scale", SandboxFixture.scaleTo("web", 0));
    assertEquals(503, region.router("POST", host("stopped-app"), "/").status());
  }

  @Test
  void aRedirectedAppAnswers308ToTheNewUrlUntilTheRedirectExpires() {
    region.createApp("moved-app");
    region.expect(200, "POST", "/v1/apps/moved-app/scale", SandboxFixture.scaleTo("web", 1));
    String to = "http://moved-app.other-fr1.localhost:8702/";
    region.expect(
        200,
        "PUT",
        "/v1/apps/moved-app/redirect",
        Map.of("redirect", Map.of("to", to, "until", Instant.now().plusSeconds(3600).toString())));
    Answer moved = region.router("GET", host("moved-app"), "/");
    assertEquals(308, moved.status());
    assertEquals(to, moved.headers().firstValue("Location").orElseThrow());

    region.expect(
        200,
        "PUT",
        "/v1/apps/moved-app/redirect",
        Map.of("redirect", Map.of("to", to, "until", Instant.now().minusSeconds(1).toString())));
    assertEquals(200, region.router("GET", host("moved-app"), "/").status());

    region.expect(204, "DELETE", "/v1/apps/moved-app/redirect", null);
    assertEquals(200, region.router("GET", host("moved-app"), "/").status());
  }

  @Test
  void anUnknownAppAnswers404() {
    assertEquals(404, region.router("GET", host("nobody"), "/").status());
  }

  @Test
  void otherHostsReachTheApi() {
    assertEquals(
        401, region.router("GET", "127.0.0.1:" + region.region.port(), "/v1/apps").status());
    assertEquals(401, region.router("GET", "web-app.other-fr1.localhost", "/v1/apps").status());
    assertEquals(
        401, region.router("GET", SandboxFixture.REGION + ".localhost", "/v1/apps").status());
  }

  @Test
  void withoutPostgresqlPostgresqlAddonsAnswer422() {
    region.createApp("no-pg");
    Answer answer = region.call("POST", "/v1/apps/no-pg/addons", SandboxFixture.postgresqlAddon());
    assertEquals(422, answer.status());
    assertTrue(
        answer.json().path("error").asText().contains("no PostgreSQL server"), answer::toString);
  }
}
