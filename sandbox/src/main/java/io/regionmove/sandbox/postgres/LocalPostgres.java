package io.regionmove.sandbox.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster: {@code initdb -A trust} into {@code <dir>/data}, then {@code pg_ctl
 * start} on a free loopback port, with its unix socket inside {@code <dir>} and {@code
 * wal_level=logical} ({@link #REPLICATION_SETTINGS}), so that its databases can be the source of a
 * live migration (see {@link PostgresPrograms} for running as root).
 *
 * <p>One process at a time owns the cluster ({@link ClusterOwnership}). The owner stops the cluster
 * on {@link #close()}, also when it adopted it running from an owner that was killed before it
 * could stop it. Another {@code LocalPostgres} on the same directory while the owner lives, in this
 * process or another, is a guest: it uses the cluster and leaves it running.
 */
public final class LocalPostgres implements AutoCloseable {

  /** Names an existing server to use instead of a private cluster (tests and the dev stack). */
  public static final String PG_URL_ENV = "REGIONMOVE_PG_URL";

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final String SUPERUSER = "postgres";
  private static final Duration GUEST_WAIT = Duration.ofSeconds(60);

  /** Unix socket paths are limited to 107 bytes; ".s.PGSQL.NNNNN" takes 15 of them. */
  private static final int MAX_SOCKET_DIR_LENGTH = 90;

  /**
   * Server settings for logical replication, as a region that offers live migration runs its
   * clusters: {@code wal_level=logical} and room for the slots, WAL senders and apply workers of
   * several migrations at once (each live migration of an addon takes one slot and one WAL sender
   * on the source, a short-lived verification slot, and one apply worker on the destination), and
   * an apply worker restarted within half a second of its subscription being resumed (PostgreSQL
   * waits {@code wal_retrieve_retry_interval}, 5 s by default, between worker starts).
   */
  static final List<String> REPLICATION_SETTINGS =
      List.of(
          "wal_level=logical",
          "max_replication_slots=32",
          "max_wal_senders=32",
          "max_worker_processes=24",
          "max_logical_replication_workers=16",
          "wal_retrieve_retry_interval=500ms");

  private static final Map<String, PostgresServer> forTests = new HashMap<>();

  private final Path dir;
  private final PostgresPrograms programs;
  private final PostgresServer server;

  /** Null for a guest, and once closed. */
  private ClusterOwnership ownership;

  private LocalPostgres(
      Path dir, PostgresPrograms programs, PostgresServer server, ClusterOwnership ownership) {
    this.dir = dir;
    this.programs = programs;
    this.server = server;
    this.ownership = ownership;
  }

  /**
   * Starts the cluster kept in {@code dir} (creating it on first use) and owns it. When it is
   * already running, this owns it too if its owner has ended (the cluster was left running by a
   * crash), and is a guest if its owner still runs.
   *
   * @throws IllegalStateException naming how to install PostgreSQL when its programs are missing
   */
  public static LocalPostgres start(Path dir) {
    PostgresPrograms programs = PostgresPrograms.find();
    Path home = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(home.resolve("run"));
      programs.prepare(home);
      Optional<ClusterOwnership> ownership = ClusterOwnership.claim(home);
      if (ownership.isEmpty()) {
        int port = awaitRunning(programs, home);
        log.info("PostgreSQL in {} is owned by a running process; using it on port {}", home, port);
        return new LocalPostgres(home, programs, server(port), null);
      }
      try {
        return new LocalPostgres(home, programs, startOrAdopt(programs, home), ownership.get());
      } catch (IOException | RuntimeException e) {
        ownership.get().release();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not prepare the PostgreSQL directory " + home + ": " + e.getMessage(), e);
    }
  }

  public PostgresServer server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** Whether this process owns the cluster, so that {@link #close()} stops it. */
  public synchronized boolean owner() {
    return ownership != null;
  }

  /**
   * The owner stops the cluster ({@code pg_ctl stop -m fast}), whether it started or adopted it,
   * and returns once its postmaster has exited, then gives up ownership; a guest leaves it running.
   */
  @Override
  public synchronized void close() {
    if (ownership == null) {
      return;
    }
    Optional<ProcessHandle> postmaster = postmaster();
    try {
      programs.exec(
          dir,
          List.of(
              programs.program("pg_ctl"),
              "stop",
              "-w",
              "-m",
              "fast",
              "-D",
              dir.resolve("data").toString()),
          "pg_ctl stop");
      // pg_ctl returns when postmaster.pid is gone, a moment before the process itself.
      if (postmaster.isPresent()) {
        postmaster
            .get()
            .onExit()
            .get(PostgresPrograms.COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      log.warn("Could not stop PostgreSQL in {}: {}", dir, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ownership.release();
      ownership = null;
    }
  }

  /** The server of tests that need only one: {@code forTests("shared")}. */
  public static PostgresServer forTests() {
    return forTests("shared");
  }

  /**
   * The server tests give the region (or role) {@code name}: the one named by {@code
   * REGIONMOVE_PG_URL} for every name, else one private cluster per name and JVM in a temporary
   * directory, stopped and removed at JVM exit. Two regions of a test get two clusters, as real
   * regions have.
   */
  public static synchronized PostgresServer forTests(String name) {
    PostgresServer known = forTests.get(name);
    if (known != null) {
      return known;
    }
    String url = System.getenv(PG_URL_ENV);
    if (url != null && !url.isBlank()) {
      PostgresServer server = PostgresServer.fromUrl(url);
      forTests.put(name, server);
      return server;
    }
    try {
      Path dir = Files.createTempDirectory("regionmove-pg-" + name.replaceAll("[^a-z0-9-]", "_"));
      LocalPostgres pg = start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    pg.close();
                    deleteRecursively(dir);
                  },
                  "regionmove-pg-stop-" + name));
      forTests.put(name, pg.server());
      return pg.server();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the cluster as its owner: adopts it when a previous owner left it running. */
  private static PostgresServer startOrAdopt(PostgresPrograms programs, Path home)
      throws IOException {
    Path data = home.resolve("data");
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      programs.exec(
          home,
          List.of(
              programs.program("initdb"),
              "-D",
              data.toString(),
              "-A",
              "trust",
              "-U",
              SUPERUSER,
              "-E",
              "UTF8",
              "--no-locale",
              "--no-sync"),
          "initdb");
    }
    Optional<Integer> running = runningPort(programs, home);
    if (running.isPresent()) {
      log.info(
          "PostgreSQL in {} was left running on port {} by a process that ended without stopping"
              + " it; adopting it, it stops with this one",
          home,
          running.get());
      PostgresServer adopted = server(running.get());
      if (!logical(adopted)) {
        log.info("PostgreSQL in {} runs without wal_level=logical; restarting it with it", home);
        programs.exec(
            home,
            List.of(
                programs.program("pg_ctl"),
                "restart",
                "-w",
                "-t",
                "60",
                "-m",
                "fast",
                "-D",
                data.toString(),
                "-o",
                serverOptions(home, running.get())),
            "pg_ctl restart");
      }
      return adopted;
    }
    int port = freePort();
    programs.exec(
        home,
        List.of(
            programs.program("pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            data.toString(),
            "-l",
            home.resolve("postgres.log").toString(),
            "-o",
            serverOptions(home, port)),
        "pg_ctl start");
    log.info("PostgreSQL started in {} on port {}", home, port);
    return server(port);
  }

  /** The postgres command-line options: port, loopback, socket directory, replication settings. */
  private static String serverOptions(Path home, int port) {
    Path socketDir = home.resolve("run");
    String sockets =
        socketDir.toString().length() <= MAX_SOCKET_DIR_LENGTH
            ? "-k " + socketDir
            : "-c unix_socket_directories=''";
    StringBuilder options =
        new StringBuilder("-p " + port + " -c listen_addresses=127.0.0.1 " + sockets);
    REPLICATION_SETTINGS.forEach(setting -> options.append(" -c ").append(setting));
    return options.toString();
  }

  /** Whether a running server has {@code wal_level=logical}; false when it cannot be asked. */
  private static boolean logical(PostgresServer server) {
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW wal_level")) {
      return rs.next() && "logical".equals(rs.getString(1));
    } catch (SQLException e) {
      log.warn("Could not read wal_level of {}: {}", server, e.getMessage());
      return false;
    }
  }

  /** A guest waits for the owner to have the cluster running. */
  private static int awaitRunning(PostgresPrograms programs, Path home) throws IOException {
    long deadline = System.nanoTime() + GUEST_WAIT.toNanos();
    while (true) {
      Optional<Integer> port = runningPort(programs, home);
      if (port.isPresent()) {
        return port.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "PostgreSQL in "
                + home
                + " belongs to another running process but did not start within "
                + GUEST_WAIT.toSeconds()
                + " s; stop that process or use another directory.");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for PostgreSQL in " + home, e);
      }
    }
  }

  /**
   * The port of the cluster when its postmaster runs ({@code postmaster.pid} names the port and
   * {@code pg_ctl status} finds the process); empty otherwise.
   */
  private static Optional<Integer> runningPort(PostgresPrograms programs, Path home)
      throws IOException {
    Path data = home.resolve("data");
    Path pid = data.resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pid);
    if (lines.size() < 4) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(lines.get(3).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    List<String> status = List.of(programs.program("pg_ctl"), "status", "-D", data.toString());
    return programs.run(home, status) == 0 ? Optional.of(port) : Optional.empty();
  }

  /** The cluster's postmaster, as {@code postmaster.pid} names it. */
  private Optional<ProcessHandle> postmaster() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("data").resolve("postmaster.pid"));
      return lines.isEmpty()
          ? Optional.empty()
          : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static PostgresServer server(int port) {
    return new PostgresServer("127.0.0.1", port, SUPERUSER, null);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
