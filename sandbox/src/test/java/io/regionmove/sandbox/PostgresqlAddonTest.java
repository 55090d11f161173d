package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.postgres.AddonDatabaseProvisioner;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresqlAddonTest {

  @TempDir static Path stateDir;
  static SandboxFixture region;
  static AddonDatabaseProvisioner admin;

  @BeforeAll
  static void start() {
    region = SandboxFixture.start(stateDir);
    admin = new AddonDatabaseProvisioner(LocalPostgres.forTests());
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @Test
  void provisioningCreatesADatabaseReachableThroughTheUrlAndTheGeneratedVariables()
      throws SQLException {
    region.createApp("db-app");
    String id =
        region
            .expect(201, "POST", "/v1/apps/db-app/addons", SandboxFixture.postgresqlAddon())
            .at("/addon/id")
            .asText();
    String url =
        region.expect(200, "GET", "/v1/apps/db-app/addons/" + id, null).at("/addon/url").asText();
    assertTrue(url.startsWith("postgresql://"), url);
    assertFalse(
        region.expect(200, "GET", "/v1/apps/db-app/addons", null).at("/addons/0").has("url"),
        "the list shows no URL");

    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int)");
      s.execute("INSERT INTO t VALUES (1), (2)");
      try (ResultSet rs = s.executeQuery("SELECT count(*), current_user FROM t")) {
        rs.next();
        assertEquals(2, rs.getInt(1));
        assertEquals(PostgresServer.fromUrl(url).user(), rs.getString(2));
      }
    }

    Map<String, JsonNode> variables = variables("db-app");
    assertEquals(url, variables.get("DATABASE_URL").get("value").asText());
    assertEquals(url, variables.get("SCALINGO_POSTGRESQL_URL").get("value").asText());
    assertTrue(variables.get("DATABASE_URL").get("generated").asBoolean());

    String second =
        region
            .expect(
                201,
                "POST",
                "/v1/apps/db-app/addons",
                Map.of(
                    "addon",
                    Map.of("provider", "postgresql", "plan", "business-1024", "version", "14")))
            .at("/addon/id")
            .asText();
    String secondUrl =
        region
            .expect(200, "GET", "/v1/apps/db-app/addons/" + second, null)
            .at("/addon/url")
            .asText();
    assertEquals(
        secondUrl, variables("db-app").get("SCALINGO_POSTGRESQL_2_URL").get("value").asText());

    region.expect(204, "DELETE", "/v1/apps/db-app/addons/" + id, null);
    assertFalse(admin.databaseExists(PostgresServer.databaseOf(url)), "the database is dropped");
    assertThrows(SQLException.class, () -> connect(url).close());
    Map<String, JsonNode> after = variables("db-app");
    assertFalse(after.containsKey("DATABASE_URL"));
    assertTrue(after.containsKey("SCALINGO_POSTGRESQL_2_URL"));

    region.expect(204, "DELETE", "/v1/apps/db-app", null);
    assertFalse(
        admin.databaseExists(PostgresServer.databaseOf(secondUrl)),
        "deleting the app drops its databases");
  }

  @Test
  void anAppCannotReachAnotherAppsDatabase() throws SQLException {
    region.createApp("db-one");
    region.createApp("db-two");
    String one = addonUrl("db-one");
    String two = addonUrl("db-two");
    PostgresServer asOne = PostgresServer.fromUrl(one);
    assertThrows(
        SQLException.class,
        () ->
            DriverManager.getConnection(
                    asOne.jdbcUrl(PostgresServer.databaseOf(two)), asOne.user(), asOne.password())
                .close());
  }

  private static String addonUrl(String app) {
    String id =
        region
            .expect(201, "POST", "/v1/apps/" + app + "/addons", SandboxFixture.postgresqlAddon())
            .at("/addon/id")
            .asText();
    return region
        .expect(200, "GET", "/v1/apps/" + app + "/addons/" + id, null)
        .at("/addon/url")
        .asText();
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
    PostgresServer server = PostgresServer.fromUrl(url);
    return DriverManager.getConnection(
        server.jdbcUrl(PostgresServer.databaseOf(url)), server.user(), server.password());
  }
}
