package io.regionmove.sandbox.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster: {@code initdb -A trust} into {@code <dir>/data}, then {@code pg_ctl
 * start} on a free loopback port, with its unix socket inside {@code <dir>}. When the JVM runs as
 * root, the PostgreSQL programs run as the {@code postgres} user (PostgreSQL refuses to run as
 * root).
 */
public final class LocalPostgres implements AutoCloseable {

  /** Names an existing server to use instead of a private cluster (tests and the dev stack). */
  public static final String PG_URL_ENV = "REGIONMOVE_PG_URL";

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final String SUPERUSER = "postgres";
  private static final String OS_USER = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

  /** Unix socket paths are limited to 107 bytes; ".s.PGSQL.NNNNN" takes 15 of them. */
  private static final int MAX_SOCKET_DIR_LENGTH = 90;

  private static PostgresServer shared;

  private final Path dir;
  private final Path bin;
  private final boolean asRoot;
  private final PostgresServer server;
  private final boolean startedHere;

  private LocalPostgres(
      Path dir, Path bin, boolean asRoot, PostgresServer server, boolean startedHere) {
    this.dir = dir;
    this.bin = bin;
    this.asRoot = asRoot;
    this.server = server;
    this.startedHere = startedHere;
  }

  /**
   * Starts the cluster kept in {@code dir} (creating it on first use), or attaches to it when it is
   * already running.
   *
   * @throws IllegalStateException naming how to install PostgreSQL when its binaries are missing
   */
  public static LocalPostgres start(Path dir) {
    Path bin =
        findBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server programs (initdb, pg_ctl) were not found on PATH nor in"
                            + " /usr/lib/postgresql/<version>/bin; install them (for example `apt-get install"
                            + " postgresql`) or set "
                            + PG_URL_ENV
                            + " to an existing server."));
    Path home = dir.toAbsolutePath().normalize();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path data = home.resolve("data");
    try {
      Files.createDirectories(home);
      Path socketDir = home.resolve("run");
      Files.createDirectories(socketDir);
      if (asRoot) {
        chownToPostgres(home);
        if (runAs(true, home, List.of("test", "-w", home.toString())) != 0) {
          throw new IllegalStateException(
              "The postgres user cannot write to "
                  + home
                  + "; choose a directory whose parent directories are searchable by other users.");
        }
      }
      if (!Files.exists(data.resolve("PG_VERSION"))) {
        exec(
            asRoot,
            home,
            List.of(
                bin.resolve("initdb").toString(),
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
      Optional<Integer> runningPort = runningPort(data);
      if (runningPort.isPresent()
          && runAs(
                  asRoot,
                  home,
                  List.of(bin.resolve("pg_ctl").toString(), "status", "-D", data.toString()))
              == 0) {
        log.info("PostgreSQL in {} is already running on port {}", home, runningPort.get());
        return new LocalPostgres(
            home,
            bin,
            asRoot,
            new PostgresServer("127.0.0.1", runningPort.get(), SUPERUSER, null),
            false);
      }
      int port = freePort();
      String sockets =
          socketDir.toString().length() <= MAX_SOCKET_DIR_LENGTH
              ? "-k " + socketDir
              : "-c unix_socket_directories=''";
      exec(
          asRoot,
          home,
          List.of(
              bin.resolve("pg_ctl").toString(),
              "start",
              "-w",
              "-t",
              "60",
              "-D",
              data.toString(),
              "-l",
              home.resolve("postgres.log").toString(),
              "-o",
              "-p " + port + " -c listen_addresses=127.0.0.1 " + sockets),
          "pg_ctl start");
      log.info("PostgreSQL started in {} on port {}", home, port);
      return new LocalPostgres(
          home, bin, asRoot, new PostgresServer("127.0.0.1", port, SUPERUSER, null), true);
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

  /** Stops the cluster ({@code pg_ctl stop -m fast}) if this object started it. */
  @Override
  public void close() {
    if (!startedHere) {
      return;
    }
    try {
      exec(
          asRoot,
          dir,
          List.of(
              bin.resolve("pg_ctl").toString(),
              "stop",
              "-w",
              "-m",
              "fast",
              "-D",
              dir.resolve("data").toString()),
          "pg_ctl stop");
    } catch (RuntimeException e) {
      log.warn("Could not stop PostgreSQL in {}: {}", dir, e.getMessage());
    }
  }

  /**
   * The server tests use: the one named by {@code REGIONMOVE_PG_URL}, else one private cluster per
   * JVM in a temporary directory, stopped and removed at JVM exit.
   */
  public static synchronized PostgresServer forTests() {
    if (shared != null) {
      return shared;
    }
    String url = System.getenv(PG_URL_ENV);
    if (url != null && !url.isBlank()) {
      shared = PostgresServer.fromUrl(url);
      return shared;
    }
    try {
      Path dir = Files.createTempDirectory("regionmove-pg");
      LocalPostgres pg = start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    pg.close();
                    deleteRecursively(dir);
                  },
                  "regionmove-pg-stop"));
      shared = pg.server();
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Path> findBinaries() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry);
        if (Files.isExecutable(candidate.resolve("initdb"))
            && Files.isExecutable(candidate.resolve("pg_ctl"))) {
          return Optional.of(candidate);
        }
      }
    }
    Path versions = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(versions)) {
      return Optional.empty();
    }
    try (Stream<Path> list = Files.list(versions)) {
      return list.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .sorted(
              Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                  .reversed())
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Integer> runningPort(Path data) throws IOException {
    Path pid = data.resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pid);
    if (lines.size() < 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(lines.get(3).trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void exec(boolean asRoot, Path dir, List<String> command, String what) {
    Path output = dir.resolve("commands.log");
    int exit = runAs(asRoot, dir, command);
    if (exit != 0) {
      String tail = tail(output, 15) + tail(dir.resolve("postgres.log"), 15);
      throw new IllegalStateException(
          what + " failed (exit " + exit + ") in " + dir + ":\n" + tail);
    }
  }

  private static int runAs(boolean asRoot, Path dir, List<String> command) {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile()));
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", full) + " did not finish within " + COMMAND_TIMEOUT);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not run " + full.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + String.join(" ", full), e);
    }
  }

  private static void chownToPostgres(Path home) throws IOException {
    UserPrincipalLookupService lookup = home.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName(OS_USER);
      group = lookup.lookupPrincipalByGroupName(OS_USER);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Running as root needs a 'postgres' system user to run PostgreSQL;"
              + " install PostgreSQL with your package manager (for example `apt-get install postgresql`).",
          e);
    }
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    } catch (IOException e) {
      return "";
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
