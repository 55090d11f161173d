package io.regionmove.sandbox.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster: {@code initdb -A trust} into {@code <dir>/data}, then {@code pg_ctl
 * start} on a free loopback port, with its unix socket inside {@code <dir>}. When the JVM runs as
 * root, the PostgreSQL programs run as the {@code postgres} user (PostgreSQL refuses to run as
 * root).
 *
 * <p>One process at a time owns the cluster, holding a lock on {@code <dir>/owner.lock} that the
 * operating system releases when the process ends, however it ends. The owner stops the cluster on
 * {@link #close()}, also when it adopted it running from an owner that was killed before it could
 * stop it. Another {@code LocalPostgres} on the same directory while the owner lives, in this
 * process or another, is a guest: it uses the cluster and leaves it running.
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

  private static final String OWNER_LOCK = "owner.lock";
  private static final Duration GUEST_WAIT = Duration.ofSeconds(60);

  /**
   * The directories whose cluster this JVM owns. A second lock on the file from this JVM would
   * fail, and closing the channel it opened would release the owner's lock (POSIX locks belong to
   * the process), so the JVM checks here first.
   */
  private static final Set<Path> OWNED_HERE = ConcurrentHashMap.newKeySet();

  private static PostgresServer shared;

  private final Path dir;
  private final Path bin;
  private final boolean asRoot;
  private final PostgresServer server;

  /** The owner's lock; null for a guest, which leaves the cluster running. */
  private FileChannel ownerLock;

  private LocalPostgres(
      Path dir, Path bin, boolean asRoot, PostgresServer server, FileChannel ownerLock) {
    this.dir = dir;
    this.bin = bin;
    this.asRoot = asRoot;
    this.server = server;
    this.ownerLock = ownerLock;
  }

  /**
   * Starts the cluster kept in {@code dir} (creating it on first use) and owns it. When it is
   * already running, this owns it too if its owner has ended (the cluster was left running by a
   * crash), and is a guest if its owner still runs.
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
      Optional<FileChannel> lock = claim(home);
      if (lock.isEmpty()) {
        int port = awaitRunning(bin, asRoot, home);
        log.info("PostgreSQL in {} is owned by a running process; using it on port {}", home, port);
        return new LocalPostgres(
            home, bin, asRoot, new PostgresServer("127.0.0.1", port, SUPERUSER, null), null);
      }
      try {
        return new LocalPostgres(home, bin, asRoot, startOrAdopt(bin, asRoot, home), lock.get());
      } catch (IOException | RuntimeException e) {
        release(home, lock.get());
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not prepare the PostgreSQL directory " + home + ": " + e.getMessage(), e);
    }
  }

  /** Runs the cluster as its owner: adopts it when a previous owner left it running. */
  private static PostgresServer startOrAdopt(Path bin, boolean asRoot, Path home)
      throws IOException {
    Path data = home.resolve("data");
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
    Optional<Integer> runningPort = runningPort(bin, asRoot, home);
    if (runningPort.isPresent()) {
      log.info(
          "PostgreSQL in {} was left running on port {} by a process that ended without stopping"
              + " it; adopting it, it stops with this one",
          home,
          runningPort.get());
      return new PostgresServer("127.0.0.1", runningPort.get(), SUPERUSER, null);
    }
    int port = freePort();
    String sockets =
        home.resolve("run").toString().length() <= MAX_SOCKET_DIR_LENGTH
            ? "-k " + home.resolve("run")
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
    return new PostgresServer("127.0.0.1", port, SUPERUSER, null);
  }

  /** The lock that makes this process the cluster's owner; empty when a live process owns it. */
  private static Optional<FileChannel> claim(Path home) throws IOException {
    if (!OWNED_HERE.add(home)) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              home.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(channel);
      }
    } catch (IOException | RuntimeException e) {
      OWNED_HERE.remove(home);
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
    channel.close();
    OWNED_HERE.remove(home);
    return Optional.empty();
  }

  private static void release(Path home, FileChannel lock) {
    try {
      lock.close();
    } catch (IOException e) {
      log.warn("Could not release {}: {}", home.resolve(OWNER_LOCK), e.getMessage());
    } finally {
      OWNED_HERE.remove(home);
    }
  }

  /** A guest waits for the owner to have the cluster running. */
  private static int awaitRunning(Path bin, boolean asRoot, Path home) throws IOException {
    long deadline = System.nanoTime() + GUEST_WAIT.toNanos();
    while (true) {
      Optional<Integer> port = runningPort(bin, asRoot, home);
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

  public PostgresServer server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** Whether this process owns the cluster, so that {@link #close()} stops it. */
  public boolean owner() {
    return ownerLock != null;
  }

  /**
   * The owner stops the cluster ({@code pg_ctl stop -m fast}), whether it started or adopted it,
   * and returns once its postmaster has exited, then gives up ownership; a guest leaves it running.
   */
  @Override
  public synchronized void close() {
    if (ownerLock == null) {
      return;
    }
    Optional<ProcessHandle> postmaster = postmaster();
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
      // pg_ctl returns when postmaster.pid is gone, a moment before the process itself.
      if (postmaster.isPresent()) {
        postmaster.get().onExit().get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      log.warn("Could not stop PostgreSQL in {}: {}", dir, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      release(dir, ownerLock);
      ownerLock = null;
    }
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

  /**
   * The port of the cluster when its postmaster runs ({@code postmaster.pid} names the port and
   * {@code pg_ctl status} finds the process); empty otherwise.
   */
  private static Optional<Integer> runningPort(Path bin, boolean asRoot, Path home)
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
    List<String> status =
        List.of(bin.resolve("pg_ctl").toString(), "status", "-D", data.toString());
    return runAs(asRoot, home, status) == 0 ? Optional.of(port) : Optional.empty();
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
