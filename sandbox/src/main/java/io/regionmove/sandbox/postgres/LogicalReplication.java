package io.regionmove.sandbox.postgres;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a region does as the superuser of its PostgreSQL server so that an addon's database can be
 * replicated: on the source, give the addon's role the {@code REPLICATION} attribute (its owner
 * then creates its publication and slot itself) and take it back, dropping every slot of the
 * database; on the destination, create, pause, report and drop the subscription that replicates a
 * source addon into the addon's database ({@code CREATE SUBSCRIPTION} needs a superuser on
 * PostgreSQL 15).
 *
 * <p>Every operation is idempotent. A database has at most one subscription, so {@code GET} and
 * {@code DELETE} need no name.
 */
public final class LogicalReplication {

  private static final Logger log = LoggerFactory.getLogger(LogicalReplication.class);
  private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";

  /** Seconds a subscription waits for the source to answer a connection. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private final PostgresServer server;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public LogicalReplication(PostgresServer server) {
    this.server = server;
  }

  /** One replication slot of the database. */
  public record Slot(String name, String plugin, boolean active) {}

  /**
   * What a source region says of its readiness to replicate an addon.
   *
   * @param replication whether the addon's role has the {@code REPLICATION} attribute
   * @param slots the replication slots of the addon's database
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SourceReport(
      String walLevel,
      int maxReplicationSlots,
      int freeReplicationSlots,
      int maxWalSenders,
      int freeWalSenders,
      boolean replication,
      List<Slot> slots) {}

  /**
   * A subscription to create in the destination addon's database.
   *
   * @param sourceUrl the source addon's {@code postgresql://} URL (its own credentials)
   * @param slot the slot on the source the subscription streams from; it must exist already
   * @param copyData whether the subscription copies each table's rows first
   */
  public record SubscriptionSpec(
      String sourceUrl, String publication, String subscription, String slot, boolean copyData) {}

  /** One table of a subscription and its synchronisation state. */
  public record TableSync(String table, String state) {}

  /**
   * A subscription as the destination sees it.
   *
   * @param receivedLsn the last source WAL position the apply worker received; null when none runs
   * @param appliedLsn the end of the last source transaction applied here; null before the first
   * @param workers the apply and table-sync workers running for it
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SubscriptionState(
      String subscription,
      String publication,
      String slot,
      boolean enabled,
      List<TableSync> tables,
      String receivedLsn,
      String appliedLsn,
      int workers,
      long applyErrorCount,
      long syncErrorCount) {}

  /** Thrown when the request cannot be carried out as stated (a final refusal). */
  public static final class RefusedException extends RuntimeException {
    private final boolean conflict;

    RefusedException(String message, boolean conflict) {
      super(message);
      this.conflict = conflict;
    }

    /** Whether it conflicts with what exists (409) rather than being unprocessable (422). */
    public boolean conflict() {
      return conflict;
    }
  }

  // ---- source side

  public SourceReport sourceReport(String database, String role) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(role);
    try (Connection c = server.connect("postgres")) {
      return report(c, database, role);
    }
  }

  /** Gives {@code role} the {@code REPLICATION} attribute. */
  public SourceReport allowReplication(String database, String role) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(role);
    synchronized (lock(database)) {
      try (Connection c = server.connect("postgres");
          Statement s = c.createStatement()) {
        s.execute("ALTER ROLE \"" + role + "\" REPLICATION");
        log.info("Role {} of database {} may now replicate", role, database);
        return report(c, database, role);
      }
    }
  }

  /**
   * Takes {@code REPLICATION} back from {@code role}, ends its WAL senders, and drops every
   * replication slot of {@code database}: a slot left behind keeps the server's WAL for ever.
   */
  public void disallowReplication(String database, String role) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(role);
    synchronized (lock(database)) {
      try (Connection c = server.connect("postgres");
          Statement s = c.createStatement()) {
        if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
          s.execute("ALTER ROLE \"" + role + "\" NOREPLICATION");
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'walsender' AND usename = ?")) {
          ps.setString(1, role);
          ps.execute();
        }
        ReplicationCatalog.dropSlots(c, database);
        // A walsender that was connecting when the slots were read can still make one (a table
        // synchronisation's); none can connect any more, so one more pass leaves none.
        for (int pass = 0; pass < 20 && !ReplicationCatalog.slots(c, database).isEmpty(); pass++) {
          pause(Duration.ofMillis(100));
          ReplicationCatalog.dropSlots(c, database);
        }
        log.info("Role {} may no longer replicate; no slot is left on {}", role, database);
      }
    }
  }

  // ---- destination side

  /**
   * Creates the subscription unless the database has it already.
   *
   * @return true when it was created, false when it existed
   * @throws RefusedException when the database has another subscription, or the source refuses the
   *     addon's role as a replication client
   */
  public boolean subscribe(String database, SubscriptionSpec spec) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(spec.publication());
    checkIdentifier(spec.subscription());
    checkIdentifier(spec.slot());
    String conninfo = conninfo(spec.sourceUrl());
    synchronized (lock(database)) {
      try (Connection c = writable(database);
          Statement s = c.createStatement()) {
        Optional<String> existing = ReplicationCatalog.subscriptionName(c);
        if (existing.isPresent()) {
          if (!existing.get().equals(spec.subscription())) {
            throw new RefusedException(
                "The addon's database already replicates through the subscription "
                    + existing.get()
                    + "; delete it first.",
                true);
          }
          return false;
        }
        try {
          s.execute(
              "CREATE SUBSCRIPTION \""
                  + spec.subscription()
                  + "\" CONNECTION '"
                  + conninfo.replace("'", "''")
                  + "' PUBLICATION \""
                  + spec.publication()
                  + "\" WITH (create_slot = false, slot_name = '"
                  + spec.slot()
                  + "', copy_data = "
                  + spec.copyData()
                  + ", disable_on_error = true)");
        } catch (SQLException e) {
          String message = String.valueOf(e.getMessage());
          if (message.contains("replication role") || message.contains("must be superuser")) {
            throw new RefusedException(
                "The source refuses the addon's role as a replication client: ask the source"
                    + " region for PUT /v1/apps/{app}/addons/{id}/replication-source first.",
                false);
          }
          throw e;
        }
        log.info(
            "Subscription {} to publication {} (slot {}) created in {}",
            spec.subscription(),
            spec.publication(),
            spec.slot(),
            database);
        return true;
      }
    }
  }

  /** The database's subscription; empty when it has none. */
  public Optional<SubscriptionState> state(String database) throws SQLException {
    checkIdentifier(database);
    try (Connection c = server.connect(database)) {
      return ReplicationCatalog.state(c);
    }
  }

  /**
   * Enables or disables the subscription; disabling returns once its workers have exited, so the
   * applied position it reports stays put until it is enabled again.
   */
  public Optional<SubscriptionState> setEnabled(String database, boolean enabled)
      throws SQLException {
    checkIdentifier(database);
    synchronized (lock(database)) {
      try (Connection c = writable(database);
          Statement s = c.createStatement()) {
        Optional<String> name = ReplicationCatalog.subscriptionName(c);
        if (name.isEmpty()) {
          return Optional.empty();
        }
        s.execute("ALTER SUBSCRIPTION \"" + name.get() + "\" " + (enabled ? "ENABLE" : "DISABLE"));
        if (!enabled) {
          ReplicationCatalog.awaitNoWorkers(c, name.get());
        }
        return ReplicationCatalog.state(c);
      }
    }
  }

  /**
   * Drops the database's subscription, if any, with its slot on the source. When the source cannot
   * be reached the subscription is detached from its slot first ({@code slot_name = NONE}) and
   * dropped all the same; the slot is then the source region's to drop ({@link
   * #disallowReplication}).
   *
   * @return whether the slot on the source was dropped too (true also when there was nothing)
   */
  public boolean unsubscribe(String database) throws SQLException {
    checkIdentifier(database);
    synchronized (lock(database)) {
      try (Connection c = writable(database);
          Statement s = c.createStatement()) {
        Optional<String> name = ReplicationCatalog.subscriptionName(c);
        if (name.isEmpty()) {
          return true;
        }
        String quoted = "\"" + name.get() + "\"";
        try {
          s.execute("DROP SUBSCRIPTION " + quoted);
          log.info("Subscription {} dropped from {}, with its slot", name.get(), database);
          return true;
        } catch (SQLException e) {
          log.info(
              "Subscription {} could not drop its slot on the source ({}); detaching it",
              name.get(),
              e.getMessage());
        }
        s.execute("ALTER SUBSCRIPTION " + quoted + " DISABLE");
        ReplicationCatalog.awaitNoWorkers(c, name.get());
        s.execute("ALTER SUBSCRIPTION " + quoted + " SET (slot_name = NONE)");
        s.execute("DROP SUBSCRIPTION " + quoted);
        log.info("Subscription {} detached and dropped from {}", name.get(), database);
        return false;
      }
    }
  }

  /**
   * Before a database is dropped: its subscription (PostgreSQL refuses to drop a database that has
   * one) and its replication slots (likewise).
   */
  public void forgetDatabase(String database) throws SQLException {
    checkIdentifier(database);
    try (Connection c = server.connect("postgres")) {
      if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
        return;
      }
      if (exists(
          c,
          "SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
              + " WHERE d.datname = ?",
          database)) {
        unsubscribe(database);
      }
      synchronized (lock(database)) {
        ReplicationCatalog.dropSlots(c, database);
      }
    }
  }

  // ---- helpers

  private SourceReport report(Connection c, String database, String role) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT current_setting('wal_level'),"
                + " current_setting('max_replication_slots')::int,"
                + " (SELECT count(*) FROM pg_replication_slots)::int,"
                + " current_setting('max_wal_senders')::int,"
                + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender')::int,"
                + " coalesce((SELECT rolreplication FROM pg_roles WHERE rolname = ?), false)")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new SourceReport(
            rs.getString(1),
            rs.getInt(2),
            Math.max(0, rs.getInt(2) - rs.getInt(3)),
            rs.getInt(4),
            Math.max(0, rs.getInt(4) - rs.getInt(5)),
            rs.getBoolean(6),
            ReplicationCatalog.slots(c, database));
      }
    }
  }

  /**
   * The libpq connection string of a source URL: the URL itself, with a connection time-out so that
   * dropping a subscription whose source is gone does not wait for ever.
   */
  static String conninfo(String sourceUrl) {
    URI uri;
    try {
      uri = URI.create(sourceUrl.trim());
    } catch (IllegalArgumentException e) {
      throw new RefusedException("The source URL is not a valid URL.", false);
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new RefusedException(
          "The source URL must be a postgresql://user:password@host:port/database URL.", false);
    }
    String url = sourceUrl.trim();
    if (url.contains("connect_timeout=")) {
      return url;
    }
    return url
        + (uri.getRawQuery() == null ? "?" : "&")
        + "connect_timeout="
        + CONNECT_TIMEOUT_SECONDS;
  }

  /**
   * A superuser session on the addon's database that may write there even while the database
   * refuses writes by default (a live cutover's source, which a rollback's replication back writes
   * into).
   */
  private Connection writable(String database) throws SQLException {
    Connection c = server.connect(database);
    try (Statement s = c.createStatement()) {
      s.execute("SET default_transaction_read_only = off");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private Object lock(String database) {
    return locks.computeIfAbsent(database, d -> new Object());
  }

  private static boolean exists(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void checkIdentifier(String name) {
    if (name == null || !name.matches(IDENTIFIER)) {
      throw new RefusedException(
          "Not a plain PostgreSQL identifier (lower-case letters, digits, _; at most 63): " + name,
          false);
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
