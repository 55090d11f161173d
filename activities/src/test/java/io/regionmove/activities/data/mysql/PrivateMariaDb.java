package io.regionmove.activities.data.mysql;

import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBacking;
import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.mysql.MySqlAddonProvisioner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tests' MariaDB: one private server per test JVM ({@link LocalMariaDb#forTests()}, the
 * sandbox's own), with addon databases made as the sandbox makes them, each with its own user.
 * Without MariaDB the tests fail: they never skip.
 */
final class PrivateMariaDb {

  /** Every addon user's password; tests check that it never leaks. */
  static final String PASSWORD = "s3cretMysqlPw";

  private static PrivateMariaDb shared;

  final MariaDbServer server;
  private final MySqlAddonProvisioner provisioner;

  private PrivateMariaDb(MariaDbServer server) {
    this.server = server;
    this.provisioner = new MySqlAddonProvisioner(server);
  }

  static synchronized PrivateMariaDb get() {
    if (shared == null) {
      shared = new PrivateMariaDb(LocalMariaDb.forTests());
    }
    return shared;
  }

  /** A new, empty addon database with its own user; returns its {@code mysql://} URL. */
  String createAddon(String name) throws AddonBackendException {
    AddonBacking backing = new AddonBacking(name, name, PASSWORD);
    provisioner.deprovision(backing);
    provisioner.provision(backing);
    return provisioner.url(backing);
  }

  /** Connects as the addon's own user. */
  Connection connect(String url) throws SQLException {
    MariaDbServer as = MariaDbServer.fromUrl(url);
    return server.connect(MariaDbServer.databaseOf(url), as.user(), as.password());
  }

  /** Runs statements as the addon's own user. */
  void execute(String url, String... statements) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The first column of the first row, as the addon's user. */
  String scalar(String url, String sql) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
