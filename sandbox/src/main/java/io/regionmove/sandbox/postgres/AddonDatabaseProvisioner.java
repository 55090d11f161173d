package io.regionmove.sandbox.postgres;

import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBacking;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * Creates and drops the database and login role behind a postgresql addon. Both operations are
 * idempotent, so a retried provisioning or a deprovisioning of something never created is harmless.
 */
public final class AddonDatabaseProvisioner implements AddonBackend {

  public static final String PROVIDER = "postgresql";

  private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";
  private static final String DATABASE_URL = "DATABASE_URL";
  private static final String FIRST_URL = "SCALINGO_POSTGRESQL_URL";

  private final PostgresServer server;

  public AddonDatabaseProvisioner(PostgresServer server) {
    this.server = server;
  }

  public PostgresServer server() {
    return server;
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public AddonBacking newBacking(String region, String app) {
    return AddonBacking.fresh(region, app);
  }

  @Override
  public AddonBacking provision(AddonBacking backing) throws AddonBackendException {
    try {
      create(backing.database(), backing.user(), backing.password());
    } catch (SQLException e) {
      throw new AddonBackendException(
          "Could not create the database of the postgresql addon: " + e.getMessage(), e);
    }
    return backing;
  }

  @Override
  public void deprovision(AddonBacking backing) throws AddonBackendException {
    try {
      drop(backing.database(), backing.user());
    } catch (SQLException e) {
      throw new AddonBackendException(
          "Could not drop the database of the postgresql addon: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(AddonBacking backing) throws AddonBackendException {
    try {
      return databaseExists(backing.database());
    } catch (SQLException e) {
      throw new AddonBackendException("Could not reach PostgreSQL: " + e.getMessage(), e);
    }
  }

  @Override
  public String url(AddonBacking backing) {
    return server.url(backing.database(), backing.user(), backing.password());
  }

  /**
   * The first postgresql addon of an app sets {@code DATABASE_URL} and {@code
   * SCALINGO_POSTGRESQL_URL}; the next ones {@code SCALINGO_POSTGRESQL_2_URL}...
   */
  @Override
  public List<String> variableNames(Set<String> taken) {
    if (!taken.contains(DATABASE_URL)) {
      return List.of(DATABASE_URL, FIRST_URL);
    }
    return AddonBackend.super.variableNames(taken);
  }

  /**
   * Creates role {@code role} (login, {@code password}) and database {@code database} owned by it.
   */
  public void create(String database, String role, String password) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(role);
    if (!password.matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("Addon database passwords are alphanumeric.");
    }
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement()) {
      if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
        s.execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD '" + password + "'");
      } else {
        s.execute("ALTER ROLE \"" + role + "\" LOGIN PASSWORD '" + password + "'");
      }
      if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
        s.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + role + "\"");
      }
      s.execute("REVOKE CONNECT ON DATABASE \"" + database + "\" FROM PUBLIC");
    }
  }

  /**
   * Drops database {@code database} (closing its sessions, dropping its subscription and its
   * replication slots) and role {@code role}, if they exist.
   */
  public void drop(String database, String role) throws SQLException {
    checkIdentifier(database);
    checkIdentifier(role);
    new LogicalReplication(server).forgetDatabase(database);
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement()) {
      try (PreparedStatement kill =
          c.prepareStatement(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
        kill.setString(1, database);
        kill.execute();
      }
      s.execute("DROP DATABASE IF EXISTS \"" + database + "\"");
      s.execute("DROP ROLE IF EXISTS \"" + role + "\"");
    }
  }

  public boolean databaseExists(String database) throws SQLException {
    try (Connection c = server.connect("postgres")) {
      return exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database);
    }
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
    if (!name.matches(IDENTIFIER)) {
      throw new IllegalArgumentException("Not a plain PostgreSQL identifier: " + name);
    }
  }
}
