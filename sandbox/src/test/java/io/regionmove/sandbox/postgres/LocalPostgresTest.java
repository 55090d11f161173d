package io.regionmove.sandbox.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.sandbox.SandboxMain;
import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.redis.LocalRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code regionmove dev} adopts it also stops: a cluster left running by a process killed with
 * SIGKILL is owned, and stopped, by the next {@link LocalPostgres} on its directory.
 */
class LocalPostgresTest {

  private Path home;
  private long postmaster = -1;

  /**
   * A directory the postgres user can reach when the tests run as root (unlike a JUnit TempDir).
   */
  @BeforeEach
  void createHome() throws IOException {
    home = Files.createTempDirectory("regionmove-local-pg");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void removeHome() throws IOException {
    if (postmaster > 0) {
      ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
    }
    try (Stream<Path> all = Files.walk(home)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aClusterLeftRunningByAKilledSandboxIsAdoptedAndStoppedByTheNextOne() throws Exception {
    Process sandbox = startSandbox(home);
    try {
      awaitLine(sandbox, home.resolve("sandbox.log"), "Press Ctrl-C to stop.");
    } finally {
      sandbox.destroyForcibly().waitFor();
    }
    Path data = home.resolve("pg").resolve("crash-fr1").resolve("data");
    List<String> pidFile = Files.readAllLines(data.resolve("postmaster.pid"));
    postmaster = Long.parseLong(pidFile.get(0).trim());
    int port = Integer.parseInt(pidFile.get(3).trim());
    assertTrue(alive(postmaster), "the SIGKILL left PostgreSQL running");
    assertTrue(accepts(port));

    LocalPostgres adopted = LocalPostgres.start(home.resolve("pg").resolve("crash-fr1"));
    try {
      assertTrue(adopted.owner(), "the crashed owner's lock went with it");
      assertEquals(port, adopted.server().port());
      assertEquals(1, selectOne(adopted.server()));
    } finally {
      adopted.close();
    }

    assertFalse(alive(postmaster), "the postmaster " + postmaster + " is gone");
    assertFalse(accepts(port), "port " + port + " refuses connections");
    assertFalse(Files.exists(data.resolve("postmaster.pid")));

    // The sandbox's MariaDB and Redis servers were left running too: adopted, then stopped.
    LocalMariaDb mysql = LocalMariaDb.start(home.resolve("mariadb-crash-fr1"));
    int mysqlPort = mysql.server().port();
    assertFalse(mysql.startedHere(), "the MariaDB server left running is adopted");
    mysql.stop();
    assertFalse(accepts(mysqlPort), "MariaDB's port " + mysqlPort + " refuses connections");
    LocalRedis redis = LocalRedis.start(home.resolve("redis-crash-fr1"));
    int redisPort = redis.server().port();
    assertFalse(redis.startedHere(), "the Redis server left running is adopted");
    redis.stop();
    assertFalse(accepts(redisPort), "Redis's port " + redisPort + " refuses connections");
  }

  @Test
  void aGuestLeavesTheOwnersClusterRunningAndTheOwnerStopsIt() throws Exception {
    LocalPostgres owner = LocalPostgres.start(home);
    int port = owner.server().port();
    postmaster = Long.parseLong(Files.readAllLines(home.resolve("data/postmaster.pid")).get(0));
    try {
      LocalPostgres guest = LocalPostgres.start(home);
      assertFalse(guest.owner());
      assertEquals(port, guest.server().port());
      guest.close();
      assertTrue(alive(postmaster));
      assertEquals(1, selectOne(owner.server()));
    } finally {
      owner.close();
    }
    assertFalse(alive(postmaster));
    assertFalse(accepts(port));

    LocalPostgres next = LocalPostgres.start(home);
    try {
      assertTrue(next.owner(), "ownership is given up on close");
      postmaster = Long.parseLong(Files.readAllLines(home.resolve("data/postmaster.pid")).get(0));
    } finally {
      next.close();
    }
    assertFalse(alive(postmaster));
  }

  /** {@code regionmove sandbox} in its own JVM, with a private cluster in {@code <dir>/pg}. */
  private static Process startSandbox(Path dir) throws IOException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m",
            "-cp",
            classPath,
            SandboxMain.class.getName(),
            "--region",
            "crash-fr1",
            "--port",
            "0",
            "--state-dir",
            dir.toString());
    builder.environment().remove(LocalPostgres.PG_URL_ENV);
    builder.environment().remove("REGIONMOVE_SANDBOX_FAULTS");
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("sandbox.log").toFile());
    return builder.start();
  }

  private static void awaitLine(Process process, Path log, String line) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the sandbox exited with " + process.exitValue() + ":\n" + text);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the sandbox did not start:\n" + Files.readString(log));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int selectOne(PostgresServer server) throws SQLException {
    try (Connection c = server.connect("postgres");
        ResultSet rs = c.createStatement().executeQuery("select 1")) {
      assertTrue(rs.next());
      return rs.getInt(1);
    }
  }
}
