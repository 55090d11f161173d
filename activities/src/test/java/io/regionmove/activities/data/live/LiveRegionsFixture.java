package io.regionmove.activities.data.live;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.model.Addon;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.sandbox.FaultOptions;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Two sandbox regions, each with its own PostgreSQL cluster ({@code wal_level=logical}), shared by
 * the live tests of one JVM; and, per test, a source app with a postgresql addon and its
 * destination app and addon, made as the migration would make them.
 */
final class LiveRegionsFixture {

  static final String SOURCE = "live-src-fr1";
  static final String DESTINATION = "live-dst-fr1";

  private static LiveRegionsFixture shared;

  final SandboxRegion source;
  final SandboxRegion destination;
  final PostgresServer sourceServer;
  final PostgresServer destinationServer;
  final Regions regions;

  private LiveRegionsFixture(
      SandboxRegion source,
      SandboxRegion destination,
      PostgresServer sourceServer,
      PostgresServer destinationServer) {
    this.source = source;
    this.destination = destination;
    this.sourceServer = sourceServer;
    this.destinationServer = destinationServer;
    this.regions = Regions.of(config(source), config(destination));
  }

  static synchronized LiveRegionsFixture get() {
    if (shared == null) {
      try {
        Path state = Files.createTempDirectory("regionmove-live-test");
        PostgresServer a = LocalPostgres.forTests(SOURCE);
        PostgresServer b = LocalPostgres.forTests(DESTINATION);
        SandboxRegion source = SandboxRegion.start(SandboxOptions.defaults(SOURCE, 0, state, a));
        SandboxRegion destination =
            SandboxRegion.start(SandboxOptions.defaults(DESTINATION, 0, state, b));
        shared = new LiveRegionsFixture(source, destination, a, b);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      source.close();
                      destination.close();
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private static RegionConfig config(SandboxRegion region) {
    return new RegionConfig(
        region.name(), region.apiUrl(), region.token(), "http://" + region.name() + ".localhost");
  }

  RegionClient sourceClient() {
    return new RegionClient(regions.get(SOURCE));
  }

  RegionClient destinationClient() {
    return new RegionClient(regions.get(DESTINATION));
  }

  /** One migration of one app with a postgresql addon, source and destination made. */
  record Move(AddonInput input, String sourceUrl, String destinationUrl, String destinationAddon) {

    String migrationId() {
      return input.move().migrationId();
    }
  }

  /** A source app {@code app} with a postgresql addon seeded by {@code schema}, and its move. */
  Move move(String app, String... schema) throws SQLException {
    String migrationId = UUID.randomUUID().toString();
    RegionClient src = sourceClient();
    src.createApp(app, null);
    RegionAddon addon = src.createAddon(app, "postgresql", "starter-512", "15", null).value();
    String sourceUrl = src.getAddon(app, addon.id()).url();
    execute(sourceUrl, schema);
    RegionClient dst = destinationClient();
    dst.createApp(app, migrationId);
    RegionAddon made =
        dst.createAddon(app, "postgresql", "starter-512", "15", migrationId + ":" + addon.id())
            .value();
    String destinationUrl = dst.getAddon(app, made.id()).url();
    MoveInput move = new MoveInput(migrationId, SOURCE, app, DESTINATION, app);
    return new Move(
        new AddonInput(move, new Addon(addon.id(), Addon.POSTGRESQL, "starter-512", "15")),
        sourceUrl,
        destinationUrl,
        made.id());
  }

  static void execute(String url, String... statements) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  static Connection connect(String url) throws SQLException {
    return PostgresServer.fromUrl(url).connect(PostgresServer.databaseOf(url));
  }

  static List<String> strings(String url, String sql) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    }
  }

  static long count(String url, String sql) throws SQLException {
    return Long.parseLong(strings(url, sql).get(0));
  }

  /** Replication slots and publications on the source's server, subscriptions on the other's. */
  List<String> replicationLeftovers(Move move) throws SQLException {
    List<String> left = new ArrayList<>(sourceSlots(move));
    strings(move.sourceUrl(), "select pubname from pg_publication")
        .forEach(p -> left.add("publication " + p));
    try (Connection c = destinationServer.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "select subname from pg_subscription s join pg_database d on d.oid = s.subdbid"
                    + " where d.datname = ?")) {
      ps.setString(1, PostgresServer.databaseOf(move.destinationUrl()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          left.add("subscription " + rs.getString(1));
        }
      }
    }
    return left;
  }

  /**
   * What the replication back could leave: a subscription in the source addon's database, slots and
   * publications in the destination addon's.
   */
  List<String> replicationBackLeftovers(Move move) throws SQLException {
    List<String> left = new ArrayList<>();
    try (Connection c = sourceServer.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "select subname from pg_subscription s join pg_database d on d.oid = s.subdbid"
                    + " where d.datname = ?")) {
      ps.setString(1, PostgresServer.databaseOf(move.sourceUrl()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          left.add("subscription " + rs.getString(1));
        }
      }
    }
    try (Connection c = destinationServer.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement("select slot_name from pg_replication_slots where database = ?")) {
      ps.setString(1, PostgresServer.databaseOf(move.destinationUrl()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          left.add("slot " + rs.getString(1));
        }
      }
    }
    strings(move.destinationUrl(), "select pubname from pg_publication")
        .forEach(p -> left.add("publication " + p));
    return left;
  }

  /** The replication slots of the source addon's database (read from another database). */
  List<String> sourceSlots(Move move) throws SQLException {
    List<String> left = new ArrayList<>();
    String database = PostgresServer.databaseOf(move.sourceUrl());
    try (Connection c = sourceServer.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement("select slot_name from pg_replication_slots where database = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          left.add("slot " + rs.getString(1));
        }
      }
    }
    return left;
  }

  /**
   * Makes the source unreachable as a region far away would be: its Region API answers 503 and its
   * database refuses every connection (the sessions it had are ended).
   */
  void cutOffSource(Move move) throws SQLException {
    source.setFaults(FaultOptions.parse("rate=1"));
    String database = PostgresServer.databaseOf(move.sourceUrl());
    try (Connection c = sourceServer.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("alter database \"" + database + "\" allow_connections false");
      s.execute(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + database
              + "'");
    }
  }

  void reconnectSource(Move move) throws SQLException {
    String database = PostgresServer.databaseOf(move.sourceUrl());
    try (Connection c = sourceServer.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("alter database \"" + database + "\" allow_connections true");
    }
    source.setFaults(FaultOptions.NONE);
  }
}
