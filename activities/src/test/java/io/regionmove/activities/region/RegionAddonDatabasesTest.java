package io.regionmove.activities.region;

import static io.regionmove.activities.region.SandboxRegions.DESTINATION;
import static io.regionmove.activities.region.SandboxRegions.SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database URLs the data activities get for a source addon and its destination twin. */
class RegionAddonDatabasesTest {

  private static SandboxRegions sandbox;
  private static RegionClient source;

  @BeforeAll
  static void start() {
    sandbox = SandboxRegions.get();
    source = sandbox.sourceClient();
  }

  @Test
  void givesWorkingUrlsForTheSourceAddonAndTheOneMadeForIt() throws Exception {
    String app = "db-src-" + UUID.randomUUID().toString().substring(0, 8);
    SandboxRegions.seedSourceApp(source, app);
    MoveInput move = new MoveInput(UUID.randomUUID().toString(), SOURCE, app, DESTINATION, app);
    RegionAddon pg =
        source.listAddons(app).stream()
            .filter(a -> a.provider().equals("postgresql"))
            .findFirst()
            .orElseThrow();
    Addon addon = new Addon(pg.id(), pg.provider(), pg.plan(), pg.version());
    RegionAddonDatabases databases = new RegionAddonDatabases(sandbox.regions, RegionClient::new);

    ApplicationFailure missing =
        assertThrows(ApplicationFailure.class, () -> databases.destinationUrl(move, addon));
    assertEquals(FailureType.INVALID_REQUEST.name(), missing.getType());
    assertTrue(missing.isNonRetryable());

    RegionActivitiesImpl activities =
        new RegionActivitiesImpl(sandbox.regions, RegionClient::new, Clock.systemUTC());
    activities.createApp(move);
    activities.provisionAddon(new AddonInput(move, addon));

    String sourceUrl = databases.sourceUrl(move.sourceApp(), addon);
    String destinationUrl = databases.destinationUrl(move, addon);
    assertTrue(sourceUrl.startsWith("postgresql://"));
    assertTrue(destinationUrl.startsWith("postgresql://"));
    assertNotEquals(sourceUrl, destinationUrl);
    assertEquals(1, selectOne(sourceUrl));
    assertEquals(1, selectOne(destinationUrl));

    RegionAddon redis =
        source.listAddons(app).stream()
            .filter(a -> a.provider().equals("redis"))
            .findFirst()
            .orElseThrow();
    ApplicationFailure noDatabase =
        assertThrows(
            ApplicationFailure.class,
            () ->
                databases.sourceUrl(
                    move.sourceApp(),
                    new Addon(redis.id(), "redis", redis.plan(), redis.version())));
    assertFalse(noDatabase.getOriginalMessage().contains("postgresql://"));
  }

  /** Connects with the URL's own user and password, as pg_dump and pg_restore will. */
  private static int selectOne(String url) throws Exception {
    java.net.URI uri = java.net.URI.create(url);
    String[] credentials = uri.getRawUserInfo().split(":", 2);
    String user =
        java.net.URLDecoder.decode(credentials[0], java.nio.charset.StandardCharsets.UTF_8);
    String password =
        credentials.length > 1
            ? java.net.URLDecoder.decode(credentials[1], java.nio.charset.StandardCharsets.UTF_8)
            : null;
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
