package io.regionmove.sandbox;

import io.regionmove.regionapi.AppSettings;
import io.regionmove.regionapi.Collaborator;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.Domain;
import io.regionmove.regionapi.Notifier;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.RegionEndpoint;
import io.regionmove.regionapi.Variable;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

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
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private SampleApp() {}

  /** Seeds {@code app} in the region whose Region API is at {@code apiUrl}. */
  public static void seed(String apiUrl, String token, String app, int rows) {
    seed(RegionEndpoint.of("sandbox", apiUrl, token), app, rows);
  }

  /**
   * Seeds {@code app} in that region; a refusal of the region is a {@link
   * io.regionmove.regionapi.RegionApiException}, no answer a {@link
   * io.regionmove.regionapi.RegionUnavailableException}.
   */
  public static void seed(RegionEndpoint region, String app, int rows) {
    if (rows < 10) {
      throw new IllegalArgumentException(
          "The sample database needs at least 10 rows, not " + rows + ".");
    }
    RegionClient api = new RegionClient(region, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    if (api.findApp(app).isEmpty()) {
      api.createApp(app, "sample-app:" + app);
    }
    seedVariables(api, app);
    seedCollaborators(api, app);
    seedDomain(api, app);
    seedSettings(api, app);
    seedNotifier(api, app);
    String addonUrl = seedDatabaseAddon(api, app);
    fillDatabase(addonUrl, rows);
    seedFormation(api, app);
  }

  private static void seedVariables(RegionClient api, String app) {
    Set<String> existing =
        api.listVariables(app).stream().map(Variable::name).collect(Collectors.toSet());
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put("SECRET_KEY", HexFormat.of().formatHex(randomBytes(32)));
    wanted.put("APP_ENV", "production");
    wanted.put("LOG_LEVEL", "info");
    wanted.put("MAX_THREADS", "8");
    List<Variable> missing = new ArrayList<>();
    wanted.forEach(
        (name, value) -> {
          if (!existing.contains(name)) {
            missing.add(new Variable(name, value, false));
          }
        });
    if (!missing.isEmpty()) {
      api.putVariables(app, missing);
    }
  }

  private static void seedCollaborators(RegionClient api, String app) {
    Set<String> existing =
        api.listCollaborators(app).stream().map(Collaborator::email).collect(Collectors.toSet());
    for (Collaborator wanted :
        List.of(
            new Collaborator("alice@example.com", Collaborator.ACCEPTED),
            new Collaborator("bob@example.com", Collaborator.PENDING))) {
      if (!existing.contains(wanted.email())) {
        api.addCollaborator(app, wanted);
      }
    }
  }

  private static void seedDomain(RegionClient api, String app) {
    String name = app + DOMAIN_SUFFIX;
    if (api.listDomains(app).stream().noneMatch(d -> d.name().equals(name))) {
      api.addDomain(
          app, new Domain(name, true, resource(CERT_RESOURCE), resource(KEY_RESOURCE), null));
    }
  }

  private static void seedSettings(RegionClient api, String app) {
    AppSettings settings = api.getApp(app).settings();
    if (!settings.forceHttps() || !settings.stickySession()) {
      api.updateSettings(app, new AppSettings(true, true));
    }
  }

  private static void seedNotifier(RegionClient api, String app) {
    if (api.listNotifiers(app).stream().noneMatch(n -> "deployments".equals(n.name()))) {
      api.addNotifier(
          app,
          new Notifier(
              null,
              "webhook",
              "deployments",
              "https://hooks.example.com/" + app,
              List.of("app_deployed", "app_crashed")));
    }
  }

  /** The connection URL of the app's first postgresql addon, provisioned if there is none. */
  private static String seedDatabaseAddon(RegionClient api, String app) {
    String id =
        api.listAddons(app).stream()
            .filter(a -> "postgresql".equals(a.provider()))
            .map(RegionAddon::id)
            .findFirst()
            .orElseGet(
                () ->
                    api.createAddon(
                            app,
                            "postgresql",
                            "starter-512",
                            "15",
                            "sample-app:" + app + ":postgresql")
                        .value()
                        .id());
    String url = api.getAddon(app, id).url();
    if (url == null) {
      throw new IllegalStateException(
          "The postgresql addon " + id + " has no URL; the region has no PostgreSQL server.");
    }
    return url;
  }

  private static void seedFormation(RegionClient api, String app) {
    Container wanted = new Container(PROCESS, AMOUNT, SIZE);
    if (!api.listContainers(app).contains(wanted)) {
      api.scale(app, List.of(wanted));
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
