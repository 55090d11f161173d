package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.addons.AddonBacking;
import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.mysql.MySqlAddonProvisioner;
import io.regionmove.sandbox.mysql.MySqlSampleData;
import io.regionmove.sandbox.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MySqlAddonTest {

  @TempDir static Path stateDir;
  static SandboxFixture region;
  static MySqlAddonProvisioner admin;

  @BeforeAll
  static void start() {
    MariaDbServer mysql = LocalMariaDb.forTests();
    region =
        SandboxFixture.start(
            SandboxOptions.defaults(
                    SandboxFixture.REGION,
                    0,
                    stateDir,
                    new AddonServers(LocalPostgres.forTests(), mysql, null))
                .withToken(SandboxFixture.TOKEN));
    admin = new MySqlAddonProvisioner(mysql);
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @Test
  void aMysqlAddonIsAUtf8mb4DatabaseReachableThroughItsUrlAndGeneratedVariable() throws Exception {
    region.createApp("my-db-app");
    String id = provision("my-db-app", "starter-512");
    JsonNode addon =
        region.expect(200, "GET", "/v1/apps/my-db-app/addons/" + id, null).path("addon");
    String url = addon.path("url").asText();
    assertTrue(url.startsWith("mysql://"), url);
    assertTrue(addon.path("holds_data").asBoolean());
    assertFalse(
        region.expect(200, "GET", "/v1/apps/my-db-app/addons", null).at("/addons/0").has("url"),
        "the list shows no URL");

    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))");
      s.execute("INSERT INTO t VALUES (1, 'Zoë 🎉')");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT name, @@character_set_database, CURRENT_USER() FROM t WHERE id = 1")) {
        rs.next();
        assertEquals("Zoë 🎉", rs.getString(1));
        assertEquals("utf8mb4", rs.getString(2));
        assertEquals(MariaDbServer.fromUrl(url).user() + "@%", rs.getString(3));
      }
    }

    Map<String, JsonNode> variables = variables("my-db-app");
    assertEquals(url, variables.get("SCALINGO_MYSQL_URL").get("value").asText());
    assertTrue(variables.get("SCALINGO_MYSQL_URL").get("generated").asBoolean());
    assertFalse(variables.containsKey("DATABASE_URL"), "DATABASE_URL is postgresql's");

    String second = provision("my-db-app", "business-1024");
    String secondUrl =
        region
            .expect(200, "GET", "/v1/apps/my-db-app/addons/" + second, null)
            .at("/addon/url")
            .asText();
    assertEquals(
        secondUrl, variables("my-db-app").get("SCALINGO_MYSQL_2_URL").get("value").asText());

    region.expect(204, "DELETE", "/v1/apps/my-db-app/addons/" + id, null);
    assertFalse(admin.exists(backing(url)), "the database is dropped");
    assertThrows(SQLException.class, () -> connect(url).close());
    assertFalse(variables("my-db-app").containsKey("SCALINGO_MYSQL_URL"));

    region.expect(204, "DELETE", "/v1/apps/my-db-app", null);
    assertFalse(admin.exists(backing(secondUrl)), "deleting the app drops its databases");
  }

  @Test
  void anAppCannotReachAnotherAppsDatabaseEvenWithALookAlikeName() throws Exception {
    region.createApp("my-one");
    region.createApp("my-two");
    String one = url("my-one", provision("my-one", "starter-512"));
    String two = url("my-two", provision("my-two", "starter-512"));
    MariaDbServer asOne = MariaDbServer.fromUrl(one);
    assertThrows(
        SQLException.class,
        () -> asOne.connect(MariaDbServer.databaseOf(two), asOne.user(), asOne.password()).close());
    // '_' is a wildcard in GRANT: a database whose name differs from the addon's only where the
    // addon's has '_' must stay out of reach.
    String database = MariaDbServer.databaseOf(one);
    String lookAlike = database.replaceFirst("_", "x");
    try (Connection c = LocalMariaDb.forTests().connect(null);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS `" + lookAlike + "`");
    }
    assertThrows(
        SQLException.class, () -> asOne.connect(lookAlike, asOne.user(), asOne.password()).close());
  }

  @Test
  void provisioningTwiceIsTheSameAndDeprovisioningNothingIsHarmless() throws Exception {
    AddonBacking backing = admin.newBacking("test-fr1", "twice");
    admin.provision(backing);
    try (Connection c = connect(admin.url(backing));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (id INT)");
      s.execute("INSERT INTO kept VALUES (7)");
    }
    admin.provision(backing);
    assertTrue(admin.exists(backing));
    try (Connection c = connect(admin.url(backing));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
      assertTrue(rs.next(), "provisioning again keeps the data");
      assertEquals(7, rs.getInt(1));
    }

    Connection open = connect(admin.url(backing));
    admin.deprovision(backing);
    assertFalse(admin.exists(backing));
    assertThrows(
        SQLException.class,
        () -> open.createStatement().executeQuery("SELECT 1").close(),
        "the addon's sessions are ended");
    open.close();
    admin.deprovision(backing);
    admin.deprovision(admin.newBacking("test-fr1", "never-made"));
    assertFalse(admin.exists(backing));
  }

  @Test
  void mongodbIsOfferedAsAMetadataOnlyProviderHoldingData() {
    JsonNode providers =
        region.expect(200, "GET", "/v1/addon_providers", null).path("addon_providers");
    Map<String, JsonNode> byId = new HashMap<>();
    providers.forEach(p -> byId.put(p.path("id").asText(), p));
    assertEquals("[\"10.11\"]", byId.get("mysql").path("versions").toString());
    assertTrue(byId.get("mongodb").path("holds_data").asBoolean());

    region.createApp("mongo-app");
    String id =
        region
            .expect(
                201,
                "POST",
                "/v1/apps/mongo-app/addons",
                Map.of(
                    "addon", Map.of("provider", "mongodb", "plan", "starter-512", "version", "7")))
            .at("/addon/id")
            .asText();
    JsonNode addon =
        region.expect(200, "GET", "/v1/apps/mongo-app/addons/" + id, null).path("addon");
    assertTrue(addon.path("holds_data").asBoolean());
    assertFalse(addon.has("url"), "no server holds a mongodb addon");
    assertTrue(variables("mongo-app").isEmpty());
    region.expect(204, "DELETE", "/v1/apps/mongo-app/addons/" + id, null);
  }

  @Test
  void aRegionWithoutMariaDbRefusesMysqlAddons(@TempDir Path otherDir) {
    try (SandboxFixture bare =
        SandboxFixture.start(
            SandboxOptions.defaults("bare-fr1", 0, otherDir, AddonServers.NONE)
                .withToken(SandboxFixture.TOKEN))) {
      bare.createApp("no-db");
      SandboxFixture.Answer answer =
          bare.call(
              "POST",
              "/v1/apps/no-db/addons",
              Map.of(
                  "addon", Map.of("provider", "mysql", "plan", "starter-512", "version", "10.11")));
      assertEquals(422, answer.status(), answer.toString());
      assertEquals(
          "Region bare-fr1 has no MariaDB server, so mysql addons cannot be provisioned.",
          answer.json().path("error").asText(answer.text()));
    }
  }

  @Test
  void sandboxSeedWithAddonsMysqlFillsAMysqlAddonAndSeedingAgainChangesNothing() throws Exception {
    String api = region.region.apiUrl();
    SampleApp.seed(api, region.region.token(), "seeded-my", 1000, List.of("mysql"));
    JsonNode variables = region.expect(200, "GET", "/v1/apps/seeded-my/variables", null);
    SampleApp.seed(api, region.region.token(), "seeded-my", 1000, List.of("mysql"));
    assertEquals(variables, region.expect(200, "GET", "/v1/apps/seeded-my/variables", null));

    JsonNode addons = region.expect(200, "GET", "/v1/apps/seeded-my/addons", null).get("addons");
    assertEquals(1, addons.size(), "only the listed addon: " + addons);
    assertEquals("mysql", addons.at("/0/provider").asText());
    String url = url("seeded-my", addons.at("/0/id").asText());
    assertEquals(url, variables("seeded-my").get("SCALINGO_MYSQL_URL").get("value").asText());
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      assertEquals(1000, MySqlSampleData.count(c));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT (SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()),"
                  + " (SELECT COUNT(*) FROM information_schema.TRIGGERS"
                  + " WHERE TRIGGER_SCHEMA = DATABASE()),"
                  + " (SELECT COUNT(*) FROM information_schema.ROUTINES"
                  + " WHERE ROUTINE_SCHEMA = DATABASE()),"
                  + " (SELECT AUTO_INCREMENT FROM information_schema.TABLES"
                  + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders'),"
                  + " (SELECT MAX(id) FROM orders),"
                  + " (SELECT COUNT(*) FROM customers WHERE name LIKE '%🎉%')")) {
        rs.next();
        assertEquals(1, rs.getInt(1), "a view");
        assertEquals(1, rs.getInt(2), "a trigger");
        assertEquals(2, rs.getInt(3), "a procedure and a function");
        assertTrue(rs.getLong(4) > rs.getLong(5), "the counter is ahead of max(id)");
        assertTrue(rs.getInt(6) > 0, "utf8mb4 text with emoji");
      }
    }
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SampleApp.seed(api, region.region.token(), "seeded-my", 1000, List.of("mongodb")));
    assertEquals(
        "Cannot seed mongodb addons; the sample data is for postgresql, mysql, redis.",
        refused.getMessage());
  }

  private static String provision(String app, String plan) {
    return region
        .expect(
            201,
            "POST",
            "/v1/apps/" + app + "/addons",
            Map.of("addon", Map.of("provider", "mysql", "plan", plan, "version", "10.11")))
        .at("/addon/id")
        .asText();
  }

  private static String url(String app, String id) {
    return region
        .expect(200, "GET", "/v1/apps/" + app + "/addons/" + id, null)
        .at("/addon/url")
        .asText();
  }

  private static AddonBacking backing(String url) {
    MariaDbServer server = MariaDbServer.fromUrl(url);
    return new AddonBacking(MariaDbServer.databaseOf(url), server.user(), server.password());
  }

  private static Map<String, JsonNode> variables(String app) {
    Map<String, JsonNode> byName = new HashMap<>();
    region
        .expect(200, "GET", "/v1/apps/" + app + "/variables", null)
        .get("variables")
        .forEach(v -> byName.put(v.get("name").asText(), v));
    return byName;
  }

  static Connection connect(String url) throws SQLException {
    MariaDbServer server = MariaDbServer.fromUrl(url);
    return server.connect(MariaDbServer.databaseOf(url), server.user(), server.password());
  }
}
