package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two regions, each with its own PostgreSQL cluster, replicate a postgresql addon through their
 * Region APIs only: the source lets the addon's role replicate, its owner makes the publication and
 * the slot, the destination subscribes; deprovisioning either addon leaves no subscription nor slot
 * behind.
 */
class ReplicationBetweenRegionsTest {

  @TempDir static Path stateDir;
  static SandboxFixture source;
  static SandboxFixture destination;

  @BeforeAll
  static void start() {
    source =
        SandboxFixture.start(
            SandboxOptions.defaults("src-fr1", 0, stateDir, LocalPostgres.forTests("src-fr1"))
                .withToken(SandboxFixture.TOKEN));
    destination =
        SandboxFixture.start(
            SandboxOptions.defaults("dst-fr1", 0, stateDir, LocalPostgres.forTests("dst-fr1"))
                .withToken(SandboxFixture.TOKEN));
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  @Test
  void eachRegionHasItsOwnClusterWithLogicalWal() {
    boolean shared = System.getenv(LocalPostgres.PG_URL_ENV) != null;
    assertEquals(
        shared,
        LocalPostgres.forTests("src-fr1").equals(LocalPostgres.forTests("dst-fr1")),
        "one cluster per region unless REGIONMOVE_PG_URL names one for all");
    String path = addon(source, "wal-app") + "/replication-source";
    assertEquals(
        "logical",
        source.expect(200, "GET", path, null).at("/replication_source/wal_level").asText());
  }

  @Test
  void writesOnTheSourceReachTheDestinationAndDeprovisioningLeavesNoSlot() throws Exception {
    String sourceAddon = addon(source, "live-app");
    String destinationAddon = addon(destination, "live-app");
    source.expect(200, "PUT", sourceAddon + "/replication-source", null);
    String sourceUrl = source.expect(200, "GET", sourceAddon, null).at("/addon/url").asText();
    String destinationUrl =
        destination.expect(200, "GET", destinationAddon, null).at("/addon/url").asText();
    sql(sourceUrl, "CREATE TABLE items (id int PRIMARY KEY, label text)");
    sql(sourceUrl, "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 100) g");
    sql(sourceUrl, "CREATE PUBLICATION rm_live FOR TABLE items");
    sql(sourceUrl, "SELECT pg_create_logical_replication_slot('rm_live', 'pgoutput')");
    sql(destinationUrl, "CREATE TABLE items (id int PRIMARY KEY, label text)");

    JsonNode created =
        destination.expect(
            201,
            "PUT",
            destinationAddon + "/replication",
            Map.of(
                "replication",
                Map.of(
                    "source_url", sourceUrl,
                    "publication", "rm_live",
                    "subscription", "rm_live",
                    "slot", "rm_live")));
    assertTrue(created.at("/replication/enabled").asBoolean());
    awaitCount(destinationUrl, 100);
    sql(sourceUrl, "INSERT INTO items VALUES (101, 'late')");
    awaitCount(destinationUrl, 101);
    JsonNode state = destination.expect(200, "GET", destinationAddon + "/replication", null);
    assertEquals("ready", state.at("/replication/tables/0/state").asText());
    assertFalse(state.at("/replication/applied_lsn").isNull(), state.toString());

    source.expect(204, "DELETE", sourceAddon, null);
    destination.expect(204, "DELETE", destinationAddon, null);
    assertEquals(0, count(LocalPostgres.forTests("src-fr1"), "pg_replication_slots"));
    assertEquals(0, count(LocalPostgres.forTests("dst-fr1"), "pg_subscription"));
  }

  private static String addon(SandboxFixture region, String app) {
    region.createApp(app);
    String id =
        region
            .expect(201, "POST", "/v1/apps/" + app + "/addons", SandboxFixture.postgresqlAddon())
            .at("/addon/id")
            .asText();
    return "/v1/apps/" + app + "/addons/" + id;
  }

  private static void sql(String url, String statement) throws SQLException {
    try (Connection c = PostgresServer.fromUrl(url).connect(PostgresServer.databaseOf(url));
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void awaitCount(String url, int rows) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      try (Connection c = PostgresServer.fromUrl(url).connect(PostgresServer.databaseOf(url));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
        seen = rs.getInt(1);
      }
      if (seen == rows) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the destination has " + seen + " rows, not " + rows);
  }

  private static int count(PostgresServer server, String catalog) throws SQLException {
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + catalog)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
