package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source app as it was before a migration (its whole configuration as the Region API shows it,
 * its data fingerprints and what its URL answers), and the checks that an abort gave it back and
 * left no trace of the migration in the destination.
 */
record FaultBaseline(
    String app,
    JsonNode configuration,
    Map<String, DatabaseFingerprint.Table> data,
    int routerStatus,
    Optional<String> routerLocation,
    String routerBody) {

  static FaultBaseline of(RegionmoveTestStack stack, String app) {
    JsonNode configuration = SandboxProbe.appConfiguration(stack.source(), app);
    List<String> urls = SandboxProbe.databaseUrls(stack.source(), app);
    assertEquals(1, urls.size(), "the sample app has one postgresql addon");
    HttpResponse<String> router = SandboxProbe.routerGet(stack.source().routerUrl(app));
    assertEquals(200, router.statusCode(), "the source app answers before the migration");
    return new FaultBaseline(
        app,
        configuration,
        DatabaseFingerprint.of(urls.get(0)),
        router.statusCode(),
        router.headers().firstValue("Location"),
        router.body());
  }

  /** The source app has exactly its configuration, formation, data and router answer of before. */
  void assertSourceRestored(RegionmoveTestStack stack) {
    assertEquals(
        configuration,
        SandboxProbe.appConfiguration(stack.source(), app),
        "the source configuration is as before");
    assertEquals(
        data,
        DatabaseFingerprint.of(SandboxProbe.databaseUrls(stack.source(), app).get(0)),
        "the source data is as before");
    HttpResponse<String> router = SandboxProbe.routerGet(stack.source().routerUrl(app));
    assertEquals(
        routerStatus, router.statusCode(), () -> "the old URL answers as before: " + router.body());
    assertEquals(routerLocation, router.headers().firstValue("Location"), "no redirect");
    assertEquals(routerBody, router.body());
  }

  /**
   * No app {@code newName} in the destination, no database of it on PostgreSQL, no backup of the
   * migration, and no pg_dump or pg_restore left running in this JVM's workers.
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
    assertFalse(
        Files.exists(stack.backupDir().resolve(migrationId)),
        "no backup of migration " + migrationId);
    assertNoPostgresToolRunning();
  }

  /** pg_dump and pg_restore end with the activity that started them; give them a moment to exit. */
  static void assertNoPostgresToolRunning() {
    List<String> running = RegionmoveTestStack.runningPostgresTools();
    for (int i = 0; i < 50 && !running.isEmpty(); i++) {
      RegionmoveTestStack.sleep(java.time.Duration.ofMillis(100));
      running = RegionmoveTestStack.runningPostgresTools();
    }
    assertTrue(running.isEmpty(), "no pg_dump or pg_restore left running: " + running);
  }
}
