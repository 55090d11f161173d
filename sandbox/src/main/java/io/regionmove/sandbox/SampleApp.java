package io.regionmove.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.mysql.MySqlSampleData;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * Seeds the sample app of the dev stack through the Region API: running with web:2 (size M),
 * variables (SECRET_KEY among them), two collaborators (one pending), a custom domain {@code
 * <app>.example.com} with a TLS certificate, settings, a notifier and a postgresql addon holding
 * {@code rows} rows over three tables. Seeding again changes nothing that is already there, so it
 * also works on a frozen, fully seeded app.
 */
public final class SampleApp {

  public static final int DEFAULT_ROWS = 10_000;
  public static final String DOMAIN_SUFFIX = ".example.com";

  private static final String CERT_RESOURCE = "sample-domain.cert.pem";
  private static final String KEY_RESOURCE = "sample-domain.key.pem";
  private static final String PROCESS = "web";
  private static final int AMOUNT = 2;
  private static final String SIZE = "M";
  private static final String POSTGRESQL = "postgresql";
  private static final String MYSQL = "mysql";

  /** The providers whose addons {@link #seed} fills with sample data. */
  public static final List<String> SEEDED_PROVIDERS = List.of(POSTGRESQL, MYSQL);

  private SampleApp() {}

  public static void seed(String apiUrl, String token, String app, int rows) {
    seed(apiUrl, token, app, rows, List.of(POSTGRESQL));
  }

  /**
   * Seeds the app as {@link #seed(String, String, String, int)} does, with an addon holding {@code
   * rows} rows of sample data for each of {@code providers} ({@link #SEEDED_PROVIDERS}).
   */
  public static void seed(
      String apiUrl, String token, String app, int rows, List<String> providers) {
    for (String provider : providers) {
      if (!SEEDED_PROVIDERS.contains(provider)) {
        throw new IllegalArgumentException(
            "Cannot seed "
                + provider
                + " addons; the sample data is for "
                + String.join(", ", SEEDED_PROVIDERS)
                + ".");
      }
    }
    if (rows < 10) {
      throw new IllegalArgumentException(
          "The sample database needs at least 10 rows, not " + rows + ".");
    }
    RegionHttp api = new RegionHttp(apiUrl, token);
    String base = "/v1/apps/" + app;
    if (api.call("GET", base, null).status() == 404) {
      api.expect(
          "POST",
          "/v1/apps",
          Map.of("app", Map.of("name", app, "reference", "sample-app:" + app)),
          200,
          201);
    }
    seedVariables(api, base);
    seedCollaborators(api, base);
    seedDomain(api, base, app);
    seedSettings(api, base);
    seedNotifier(api, base, app);
    if (providers.contains(POSTGRESQL)) {
      String addonUrl = seedDatabaseAddon(api, base, app);
      fillDatabase(addonUrl, rows);
    }
    if (providers.contains(MYSQL)) {
      MySqlSampleData.fill(seedAddon(api, base, app, MYSQL, "starter-512", "10.11"), rows);
    }
    seedFormation(api, base);
  }

  private static void seedVariables(RegionHttp api, String base) {
    JsonNode existing = api.expect("GET", base + "/variables", null, 200).path("variables");
    List<Map<String, String>> missing = new ArrayList<>();
    Map<String, String> wanted =
        Map.of(
            "SECRET_KEY", HexFormat.of().formatHex(randomBytes(32)),
            "APP_ENV", "production",
            "LOG_LEVEL", "info",
            "MAX_THREADS", "8");
    wanted.forEach(
        (name, value) -> {
          if (!contains(existing, "name", name)) {
            missing.add(Map.of("name", name, "value", value));
          }
        });
    if (!missing.isEmpty()) {
      api.expect("PUT", base + "/variables", Map.of("variables", missing), 200);
    }
  }

  private static void seedCollaborators(RegionHttp api, String base) {
    JsonNode existing = api.expect("GET", base + "/collaborators", null, 200).path("collaborators");
    Map<String, String> wanted =
        Map.of("alice@example.com", "accepted", "bob@example.com", "pending");
    wanted.forEach(
        (email, status) -> {
          if (!contains(existing, "email", email)) {
            api.expect(
                "POST",
                base + "/collaborators",
                Map.of("collaborator", Map.of("email", email, "status", status)),
                200,
                201);
          }
        });
  }

  private static void seedDomain(RegionHttp api, String base, String app) {
    String name = app + DOMAIN_SUFFIX;
    JsonNode existing = api.expect("GET", base + "/domains", null, 200).path("domains");
    if (!contains(existing, "name", name)) {
      api.expect(
          "POST",
          base + "/domains",
          Map.of(
              "domain",
              Map.of(
                  "name",
                  name,
                  "canonical",
                  true,
                  "tlscert",
                  resource(CERT_RESOURCE),
                  "tlskey",
                  resource(KEY_RESOURCE))),
          200,
          201);
    }
  }

  private static void seedSettings(RegionHttp api, String base) {
    JsonNode settings = api.expect("GET", base, null, 200).path("app").path("settings");
    if (!settings.path("force_https").asBoolean() || !settings.path("sticky_session").asBoolean()) {
      api.expect(
          "PUT",
          base + "/settings",
          Map.of("settings", Map.of("force_https", true, "sticky_session", true)),
          200);
    }
  }

  private static void seedNotifier(RegionHttp api, String base, String app) {
    JsonNode existing = api.expect("GET", base + "/notifiers", null, 200).path("notifiers");
    if (!contains(existing, "name", "deployments")) {
      api.expect(
          "POST",
          base + "/notifiers",
          Map.of(
              "notifier",
              Map.of(
                  "type",
                  "webhook",
                  "name",
                  "deployments",
                  "url",
                  "https://hooks.example.com/" + app,
                  "events",
                  List.of("app_deployed", "app_crashed"))),
          200,
          201);
    }
  }

  /** The connection URL of the app's first postgresql addon, provisioned if there is none. */
  private static String seedDatabaseAddon(RegionHttp api, String base, String app) {
    JsonNode addons = api.expect("GET", base + "/addons", null, 200).path("addons");
    String id =
        StreamSupport.stream(addons.spliterator(), false)
            .filter(a -> "postgresql".equals(a.path("provider").asText()))
            .map(a -> a.path("id").asText())
            .findFirst()
            .orElseGet(
                () ->
                    api.expect(
                            "POST",
                            base + "/addons",
                            Map.of(
                                "addon",
                                Map.of(
                                    "provider",
                                    "postgresql",
                                    "plan",
                                    "starter-512",
                                    "version",
                                    "15",
                                    "reference",
                                    "sample-app:" + app + ":postgresql")),
                            200,
                            201)
                        .path("addon")
                        .path("id")
                        .asText());
    String url =
        api.expect("GET", base + "/addons/" + id, null, 200).path("addon").path("url").asText(null);
    if (url == null) {
      throw new IllegalStateException(
          "The postgresql addon " + id + " has no URL; the region has no PostgreSQL server.");
    }
    return url;
  }

  /** The connection URL of the app's first addon of {@code provider}, provisioned if none. */
  private static String seedAddon(
      RegionHttp api, String base, String app, String provider, String plan, String version) {
    JsonNode addons = api.expect("GET", base + "/addons", null, 200).path("addons");
    String id =
        StreamSupport.stream(addons.spliterator(), false)
            .filter(a -> provider.equals(a.path("provider").asText()))
            .map(a -> a.path("id").asText())
            .findFirst()
            .orElseGet(
                () ->
                    api.expect(
                            "POST",
                            base + "/addons",
                            Map.of(
                                "addon",
                                Map.of(
                                    "provider",
                                    provider,
                                    "plan",
                                    plan,
                                    "version",
                                    version,
                                    "reference",
                                    "sample-app:" + app + ":" + provider)),
                            200,
                            201)
                        .path("addon")
                        .path("id")
                        .asText());
    String url =
        api.expect("GET", base + "/addons/" + id, null, 200).path("addon").path("url").asText(null);
    if (url == null) {
      throw new IllegalStateException(
          "The " + provider + " addon " + id + " has no URL; the region has no server for it.");
    }
    return url;
  }

  private static void seedFormation(RegionHttp api, String base) {
    JsonNode formation = api.expect("GET", base + "/containers", null, 200).path("containers");
    boolean ready =
        StreamSupport.stream(formation.spliterator(), false)
            .anyMatch(
                c ->
                    PROCESS.equals(c.path("name").asText())
                        && c.path("amount").asInt() == AMOUNT
                        && SIZE.equals(c.path("size").asText()));
    if (!ready) {
      api.expect(
          "POST",
          base + "/scale",
          Map.of("containers", List.of(Map.of("name", PROCESS, "amount", AMOUNT, "size", SIZE))),
          200);
    }
  }

  /**
   * Three tables of varied column types: customers (10%), orders (60%) and events (the rest). Left
   * as is when they already hold exactly {@code rows} rows; otherwise refilled.
   */
  static void fillDatabase(String url, int rows) {
    PostgresServer server = PostgresServer.fromUrl(url);
    try (Connection c =
        DriverManager.getConnection(
            server.jdbcUrl(PostgresServer.databaseOf(url)), server.user(), server.password())) {
      try (Statement s = c.createStatement()) {
        s.execute(
            """
                        CREATE TABLE IF NOT EXISTS customers (
                          id integer PRIMARY KEY,
                          name text NOT NULL,
                          email varchar(200) NOT NULL UNIQUE,
                          active boolean NOT NULL,
                          balance numeric(12,2) NOT NULL,
                          signed_up_on date NOT NULL,
                          tags text[] NOT NULL)""");
        s.execute(
            """
                        CREATE TABLE IF NOT EXISTS orders (
                          id bigint PRIMARY KEY,
                          customer_id integer NOT NULL REFERENCES customers(id),
                          public_id uuid NOT NULL,
                          amount numeric(12,2) NOT NULL,
                          quantity smallint NOT NULL,
                          placed_at timestamptz NOT NULL,
                          note text,
                          receipt bytea)""");
        s.execute(
            """
                        CREATE TABLE IF NOT EXISTS events (
                          id bigint PRIMARY KEY,
                          kind text NOT NULL,
                          payload jsonb NOT NULL,
                          score double precision NOT NULL,
                          happened_at timestamp NOT NULL)""");
      }
      if (count(c) == rows) {
        return;
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE events, orders, customers");
      }
      int customers = Math.max(1, rows / 10);
      int orders = rows * 6 / 10;
      int events = rows - customers - orders;
      Random random = new Random(42);
      Instant start = Instant.parse("2024-01-01T00:00:00Z");
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= customers; i++) {
          ps.setInt(1, i);
          ps.setString(2, "Customer " + i + (i % 7 == 0 ? " — Zoë Ångström" : ""));
          ps.setString(3, "customer" + i + "@example.com");
          ps.setBoolean(4, i % 5 != 0);
          ps.setBigDecimal(5, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
          ps.setObject(6, LocalDate.of(2020, 1, 1).plusDays(random.nextInt(1500)));
          ps.setArray(
              7,
              c.createArrayOf("text", new String[] {"tier" + (i % 3), i % 2 == 0 ? "b2b" : "b2c"}));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= orders; i++) {
          ps.setLong(1, i);
          ps.setInt(2, 1 + random.nextInt(customers));
          ps.setObject(3, new UUID(random.nextLong(), random.nextLong()));
          ps.setBigDecimal(4, BigDecimal.valueOf(100 + random.nextInt(500_000), 2));
          ps.setShort(5, (short) (1 + random.nextInt(20)));
          ps.setTimestamp(6, Timestamp.from(start.plusSeconds(random.nextInt(60_000_000))));
          ps.setString(7, i % 4 == 0 ? null : "note " + i);
          byte[] receipt = new byte[i % 3 == 0 ? 0 : 16];
          random.nextBytes(receipt);
          ps.setBytes(8, i % 5 == 0 ? null : receipt);
          ps.addBatch();
          if (i % 1000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      String[] kinds = {"login", "logout", "purchase", "refund", "error"};
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO events VALUES (?, ?, ?::jsonb, ?, ?)")) {
        for (int i = 1; i <= events; i++) {
          String kind = kinds[random.nextInt(kinds.length)];
          ps.setLong(1, i);
          ps.setString(2, kind);
          ps.setString(
              3,
              "{\"kind\":\""
                  + kind
                  + "\",\"n\":"
                  + i
                  + ",\"ok\":"
                  + (i % 2 == 0)
                  + ",\"items\":["
                  + random.nextInt(100)
                  + ","
                  + random.nextInt(100)
                  + "]}");
          ps.setDouble(4, random.nextGaussian() * 100);
          ps.setTimestamp(5, Timestamp.from(start.plusSeconds(random.nextInt(60_000_000))));
          ps.addBatch();
          if (i % 1000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not fill the sample database: " + e.getMessage(), e);
    }
  }

  /** Rows over the three sample tables. */
  static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM events)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean contains(JsonNode array, String field, String value) {
    return StreamSupport.stream(array.spliterator(), false)
        .anyMatch(n -> value.equals(n.path(field).asText()));
  }

  private static String resource(String name) {
    try (InputStream in = SampleApp.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
