package io.regionmove.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test reads and changes in a sandbox region to check a migration, apart from the code under
 * test: Region API requests, an app's whole configuration, its addons' databases, its router
 * answer.
 */
public final class SandboxProbe {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private SandboxProbe() {}

  /** One Region API GET, parsed; {@code null} for a 404. */
  public static JsonNode regionGet(SandboxRegion region, String path) {
    HttpResponse<String> answer = regionSend(region, "GET", path, null);
    if (answer.statusCode() == 404) {
      return null;
    }
    if (answer.statusCode() != 200) {
      throw new AssertionError(
          "GET "
              + path
              + " in "
              + region.name()
              + ": "
              + answer.statusCode()
              + " "
              + answer.body());
    }
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One Region API request with a JSON body (or none); the answer as it came. */
  public static HttpResponse<String> regionSend(
      SandboxRegion region, String method, String path, String jsonBody) {
    return send(
        HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
            .header("Authorization", "Bearer " + region.token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody))
            .build());
  }

  /**
   * The whole configuration of an app as the Region API shows it (app, variables, collaborators,
   * domains, notifiers, containers, addons with their details), or {@code null} when it does not
   * exist.
   */
  public static JsonNode appConfiguration(SandboxRegion region, String app) {
    JsonNode view = regionGet(region, "/v1/apps/" + app);
    if (view == null) {
      return null;
    }
    ObjectNode all = JSON.createObjectNode();
    all.set("app", view.path("app"));
    for (String part :
        List.of("variables", "collaborators", "domains", "notifiers", "containers")) {
      all.set(part, regionGet(region, "/v1/apps/" + app + "/" + part).path(part));
    }
    var addons = JSON.createArrayNode();
    for (JsonNode addon : regionGet(region, "/v1/apps/" + app + "/addons").path("addons")) {
      addons.add(
          regionGet(region, "/v1/apps/" + app + "/addons/" + addon.path("id").asText())
              .path("addon"));
    }
    all.set("addons", addons);
    return all;
  }

  /** The connection URLs of the app's postgresql addons (secrets: for assertions only). */
  public static List<String> databaseUrls(SandboxRegion region, String app) {
    List<String> urls = new ArrayList<>();
    for (JsonNode addon : regionGet(region, "/v1/apps/" + app + "/addons").path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        String id = addon.path("id").asText();
        urls.add(
            regionGet(region, "/v1/apps/" + app + "/addons/" + id)
                .path("addon")
                .path("url")
                .asText());
      }
    }
    return urls;
  }

  /** The connection URL of the app's one postgresql addon; fails unless it has exactly one. */
  public static String databaseUrl(SandboxRegion region, String app) {
    List<String> urls = databaseUrls(region, app);
    if (urls.size() != 1) {
      throw new AssertionError(
          app + " in " + region.name() + " has " + urls.size() + " postgresql addons");
    }
    return urls.get(0);
  }

  /**
   * GETs {@code url} the way a browser would reach a sandbox router: to 127.0.0.1 on the URL's
   * port, with the URL's host name in the Host header (no DNS for {@code *.localhost} needed).
   */
  public static HttpResponse<String> routerGet(String url) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + path))
            .header("Host", uri.getHost())
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The databases on {@code postgres} that {@code region} made for addons of {@code app}: the
   * sandbox names them {@code rm_<region>_<app>_<8 hex digits>} (non-alphanumerics as underscores,
   * the prefix cut at 48 characters).
   */
  public static List<String> addonDatabaseNames(
      PostgresServer postgres, SandboxRegion region, String app) {
    String prefix = ("rm_" + region.name() + "_" + app).replaceAll("[^a-z0-9]", "_");
    if (prefix.length() > 48) {
      prefix = prefix.substring(0, 48);
    }
    List<String> names = new ArrayList<>();
    try (Connection c = postgres.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT datname FROM pg_database WHERE left(datname, ?) = ? AND datname ~ ? ORDER BY 1")) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      ps.setString(3, "^.{" + prefix.length() + "}_[0-9a-f]{8}$");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot list the databases of " + app + ": " + e.getMessage(), e);
    }
    return names;
  }

  /**
   * Appends {@code count} rows to the events table of the app's sample database, server-side, so
   * that a copy takes seconds.
   */
  public static void addSampleEvents(SandboxRegion region, String app, int count) {
    try (Connection c = DatabaseFingerprint.connect(databaseUrls(region, app).get(0));
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO events (id, kind, payload, score, happened_at)"
              + " SELECT 1000000 + n, 'bulk-' || (n % 7),"
              + " jsonb_build_object('n', n, 'text', md5(n::text), 'ok', n % 2 = 0),"
              + " n * 0.25, timestamp '2024-01-01' + n * interval '1 second'"
              + " FROM generate_series(1, "
              + count
              + ") AS n");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot add rows to the database of " + app + ": " + e.getMessage(), e);
    }
  }
}
