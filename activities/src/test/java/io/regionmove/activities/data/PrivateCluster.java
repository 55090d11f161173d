package io.regionmove.activities.data;

import io.regionmove.activities.data.postgres.PostgresTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One private PostgreSQL cluster per test JVM: {@code initdb -A trust} in a temporary directory (as
 * the {@code postgres} user when the tests run as root), {@code pg_ctl start} on a free loopback
 * port with the socket inside the data directory. Without PostgreSQL the tests fail: they never
 * skip.
 */
final class PrivateCluster {

  static final String USER = "postgres";

  /** Trust authentication ignores it; it is here so that tests see it never leaks. */
  static final String PASSWORD = "s3cret-pw";

  private static PrivateCluster shared;

  final Path bin;
  final int port;

  private PrivateCluster(Path bin, int port) {
    this.bin = bin;
    this.port = port;
  }

  static synchronized PrivateCluster get() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  private static PrivateCluster start() {
    Path bin =
        PostgresTools.locate()
            .map(PostgresTools::binDir)
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server programs (initdb, pg_ctl) are needed by these tests: apt-get install postgresql"));
    try {
      Path dir = Files.createTempDirectory("regionmove-data-test");
      boolean root = "root".equals(System.getProperty("user.name"));
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()), false);
      }
      Path data = dir.resolve("data");
      run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-A",
              "trust",
              "-U",
              USER,
              "-E",
              "UTF8",
              "--no-locale",
              "--no-sync"),
          root);
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "start",
              "-w",
              "-D",
              data.toString(),
              "-l",
              dir.resolve("postgres.log").toString(),
              "-o",
              "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off"),
          root);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(
                          List.of(
                              bin.resolve("pg_ctl").toString(),
                              "stop",
                              "-m",
                              "immediate",
                              "-D",
                              data.toString()),
                          root);
                      DirectoryBackupStore.deleteTree(dir);
                    } catch (IOException | RuntimeException e) {
                      // the JVM is ending
                    }
                  }));
      return new PrivateCluster(bin, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> command, boolean asPostgres) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String url(String database) {
    return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, USER, PASSWORD);
  }

  void createDatabase(String database) throws SQLException {
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("drop database if exists \"" + database + "\" with (force)");
      s.execute("create database \"" + database + "\"");
    }
  }

  void execute(String database, String sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
