package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.mysql.MySqlFingerprint;
import io.regionmove.sandbox.redis.RedisFingerprint;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A source app as it was before a migration (its whole configuration as the Region API shows it,
 * the data fingerprints of its database addons and what its URL answers), and the checks that an
 * abort gave it back and left no trace of the migration in the destination.
 */
record FaultBaseline(
    String app,
    JsonNode configuration,
    Map<String, Object> data,
    int routerStatus,
    Optional<String> routerLocation,
    String routerBody) {

  static FaultBaseline of(RegionmoveTestStack stack, String app) {
    JsonNode configuration = SandboxProbe.appConfiguration(stack.source(), app);
    Map<String, Object> data = fingerprints(stack.source(), app);
    assertFalse(data.isEmpty(), "the sample app has a database addon");
    HttpResponse<String> router = SandboxProbe.routerGet(stack.source().routerUrl(app));
    assertEquals(200, router.statusCode(), "the source app answers before the migration");
    return new FaultBaseline(
        app,
        configuration,
        data,
        router.statusCode(),
        router.headers().firstValue("Location"),
        router.body());
  }

  /**
   * The fingerprint of each database addon of the app, by provider: per-table row counts and
   * checksums (postgresql, mysql), the key count and digest (redis).
   */
  static Map<String, Object> fingerprints(SandboxRegion region, String app) {
    Map<String, Object> data = new TreeMap<>();
    List<String> postgresql = SandboxProbe.addonUrls(region, app, "postgresql");
    for (int i = 0; i < postgresql.size(); i++) {
      data.put("postgresql " + i, DatabaseFingerprint.of(postgresql.get(i)));
    }
    List<String> mysql = SandboxProbe.addonUrls(region, app, "mysql");
    for (int i = 0; i < mysql.size(); i++) {
      data.put("mysql " + i, MySqlFingerprint.of(mysql.get(i)));
    }
    List<String> redis = SandboxProbe.addonUrls(region, app, "redis");
    for (int i = 0; i < redis.size(); i++) {
      RedisFingerprint keys = RedisFingerprint.of(redis.get(i));
      data.put("redis " + i, keys.size() + " keys, " + keys.digest());
    }
    return data;
  }

  /** The source app has exactly its configuration, formation, data and router answer of before. */
  void assertSourceRestored(RegionmoveTestStack stack) {
    assertEquals(
        configuration,
        SandboxProbe.appConfiguration(stack.source(), app),
        "the source configuration is as before");
    assertEquals(data, fingerprints(stack.source(), app), "the source data is as before");
    HttpResponse<String> router = SandboxProbe.routerGet(stack.source().routerUrl(app));
    assertEquals(
        routerStatus, router.statusCode(), () -> "the old URL answers as before: " + router.body());
    assertEquals(routerLocation, router.headers().firstValue("Location"), "no redirect");
    assertEquals(routerBody, router.body());
  }

  /**
   * No app {@code newName} in the destination, no database of it on the destination's PostgreSQL
   * (and, on a stack with engines, MariaDB and Redis) server, no backup of the migration, and no
   * data tool (pg_dump, pg_restore, mariadb-dump, mariadb) left running in this JVM's workers.
   */
  static void assertNoTraceInDestination(
      RegionmoveTestStack stack, String newName, String migrationId) {
    assertNull(
        SandboxProbe.appConfiguration(stack.destination(), newName),
        "no destination app " + newName);
    assertEquals(
        List.of(),
        SandboxProbe.addonDatabaseNames(
            stack.postgres(RegionmoveTestStack.DESTINATION), stack.destination(), newName),
        "no addon database of " + newName + " in " + stack.destination().name());
    if (stack.hasEngines()) {
      String region = stack.destination().name();
      assertEquals(
          List.of(),
          SandboxProbe.mysqlDatabaseNames(stack.mysql(region), stack.destination(), newName),
          "no mysql database of " + newName + " in " + region);
      assertEquals(
          List.of(),
          SandboxProbe.redisAddonUsers(stack.redis(region), stack.destination(), newName),
          "no redis addon of " + newName + " in " + region);
    }
    assertFalse(
        Files.exists(stack.backupDir().resolve(migrationId)),
        "no backup of migration " + migrationId);
    assertNoDataToolRunning();
  }

  /** The data tools end with the activity that started them; give them a moment to exit. */
  static void assertNoDataToolRunning() {
    List<String> running = RegionmoveTestStack.runningDataTools();
    for (int i = 0; i < 50 && !running.isEmpty(); i++) {
      RegionmoveTestStack.sleep(java.time.Duration.ofMillis(100));
      running = RegionmoveTestStack.runningDataTools();
    }
    assertTrue(running.isEmpty(), "no data tool left running: " + running);
  }
}
