package io.regionmove.sandbox.mysql;

import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBacking;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates and drops the database and user behind a mysql addon on the region's MariaDB server: a
 * utf8mb4 database and a user {@code 'name'@'%'} with every privilege on it and none elsewhere.
 * Both operations are idempotent.
 */
public final class MySqlAddonProvisioner implements AddonBackend {

  public static final String PROVIDER = "mysql";

  private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,63}";

  private final MariaDbServer server;

  public MySqlAddonProvisioner(MariaDbServer server) {
    this.server = server;
  }

  public MariaDbServer server() {
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
    String database = checkIdentifier(backing.database());
    String user = checkIdentifier(backing.user());
    if (backing.password() == null || !backing.password().matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("Addon database passwords are alphanumeric.");
    }
    String account = "'" + user + "'@'%'";
    try (Connection c = server.connect(null);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE IF NOT EXISTS `"
              + database
              + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      s.execute(
          "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + backing.password() + "'");
      s.execute("ALTER USER " + account + " IDENTIFIED BY '" + backing.password() + "'");
      // In GRANT, '_' and '%' in a database name are wildcards: escape them, or the user would
      // reach every database whose name matches.
      s.execute("GRANT ALL PRIVILEGES ON `" + grantPattern(database) + "`.* TO " + account);
    } catch (SQLException e) {
      throw new AddonBackendException(
          "Could not create the database of the mysql addon: " + e.getMessage(), e);
    }
    return backing;
  }

  @Override
  public void deprovision(AddonBacking backing) throws AddonBackendException {
    String database = checkIdentifier(backing.database());
    String user = checkIdentifier(backing.user());
    try (Connection c = server.connect(null);
        Statement s = c.createStatement()) {
      for (long session : sessionsOf(c, user)) {
        try {
          s.execute("KILL CONNECTION " + session);
        } catch (SQLException e) {
          // the session ended meanwhile
        }
      }
      s.execute("DROP DATABASE IF EXISTS `" + database + "`");
      s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
    } catch (SQLException e) {
      throw new AddonBackendException(
          "Could not drop the database of the mysql addon: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(AddonBacking backing) throws AddonBackendException {
    try (Connection c = server.connect(null);
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, backing.database());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new AddonBackendException("Could not reach MariaDB: " + e.getMessage(), e);
    }
  }

  @Override
  public String url(AddonBacking backing) {
    return server.url(backing.database(), backing.user(), backing.password());
  }

  private static List<Long> sessionsOf(Connection c, String user) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  private static String grantPattern(String database) {
    return database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
  }

  private static String checkIdentifier(String name) {
    if (name == null || !name.matches(IDENTIFIER)) {
      throw new IllegalArgumentException("Not a plain MySQL identifier: " + name);
    }
    return name;
  }
}
