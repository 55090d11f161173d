package io.regionmove.sandbox.mysql;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server for one sandbox region: {@code mariadb-install-db} into {@code
 * <dir>/data}, then {@code mariadbd} on a free loopback port with its socket in the data directory,
 * detached from this process. An administrator {@code regionmove@127.0.0.1} with a random password
 * (kept in {@code <dir>/admin.password}) is (re)created by an init file at every start. When the
 * JVM runs as root, the server runs as the {@code mysql} user (mariadbd refuses root).
 *
 * <p>A server already running in {@code dir} is adopted; {@link #close} stops only a server this
 * object started, {@link #stop} any. Being a sandbox, it trades durability for speed: the redo log
 * is flushed once a second, without doublewrite.
 */
public final class LocalMariaDb implements AutoCloseable {

  /** Names an existing server to use instead of a private one (tests and the dev stack). */
  public static final String MYSQL_URL_ENV = "REGIONMOVE_MYSQL_URL";

  static final String ADMIN = "regionmove";

  private static final Logger log = LoggerFactory.getLogger(LocalMariaDb.class);
  private static final String OS_USER = "mysql";
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  /** Unix socket paths are limited to 107 bytes. */
  private static final int MAX_SOCKET_PATH = 100;

  private static MariaDbServer shared;

  private final Path dir;
  private final MariaDbServer server;
  private final long pid;
  private final boolean startedHere;

  private LocalMariaDb(Path dir, MariaDbServer server, long pid, boolean startedHere) {
    this.dir = dir;
    this.server = server;
    this.pid = pid;
    this.startedHere = startedHere;
  }

  /**
   * Starts the server kept in {@code dir} (creating it on first use), or adopts it when it is
   * already running.
   *
   * @throws IllegalStateException naming how to install MariaDB when its programs are missing
   */
  public static LocalMariaDb start(Path dir) {
    Programs programs =
        Programs.find()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "MariaDB server programs (mariadbd, mariadb-install-db) were not found on"
                            + " PATH nor in /usr/sbin; install them (for example `apt-get install"
                            + " mariadb-server`) or set "
                            + MYSQL_URL_ENV
                            + " to an existing server."));
    Path home = dir.toAbsolutePath().normalize();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path data = home.resolve("data");
    try {
      Files.createDirectories(home);
      // Its own temporary directory: servers installed side by side never meet in /tmp.
      Path tmp = Files.createDirectories(home.resolve("tmp"));
      String password = adminPassword(home);
      Path initFile = home.resolve("init.sql");
      writePrivate(initFile, initSql(password));
      if (asRoot) {
        chownToMysql(home);
        if (run(true, home, List.of("test", "-w", home.toString())) != 0) {
          throw new IllegalStateException(
              "The mysql user cannot write to "
                  + home
                  + "; choose a directory whose parent directories are searchable by other users.");
        }
      }
      Optional<LocalMariaDb> running = adopt(home, data, password);
      if (running.isPresent()) {
        return running.get();
      }
      if (!Files.isDirectory(data.resolve("mysql"))) {
        List<String> install = new ArrayList<>();
        install.add(programs.installDb().toString());
        install.add("--no-defaults");
        install.add("--datadir=" + data);
        install.add("--auth-root-authentication-method=normal");
        install.add("--skip-test-db");
        install.add("--skip-name-resolve");
        install.add("--tmpdir=" + tmp);
        exec(asRoot, home, install, "mariadb-install-db");
      }
      int port = freePort();
      Path socket = data.resolve("mariadbd.sock");
      if (socket.toString().length() > MAX_SOCKET_PATH) {
        socket =
            Path.of(System.getProperty("java.io.tmpdir"), "regionmove-mariadb-" + port + ".sock");
      }
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        command.add("/usr/bin/setsid"); // its own session: a Ctrl-C of the JVM's terminal spares it
      }
      command.add(programs.server().toString());
      command.add("--no-defaults");
      command.add("--datadir=" + data);
      command.add("--port=" + port);
      command.add("--bind-address=127.0.0.1");
      command.add("--socket=" + socket);
      command.add("--pid-file=" + data.resolve("mariadbd.pid"));
      command.add("--log-error=" + home.resolve("mariadb.log"));
      command.add("--init-file=" + initFile);
      command.add("--skip-name-resolve");
      command.add("--tmpdir=" + tmp);
      command.add("--character-set-server=utf8mb4");
      command.add("--collation-server=utf8mb4_unicode_ci");
      command.add("--max-allowed-packet=1G");
      command.add("--innodb-flush-log-at-trx-commit=2");
      command.add("--innodb-doublewrite=0");
      command.add("--innodb-buffer-pool-size=256M");
      command.add("--innodb-log-file-size=256M");
      if (asRoot) {
        command.add("--user=" + OS_USER);
      }
      Files.writeString(home.resolve("port"), Integer.toString(port));
      Process process =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(home.resolve("mariadbd.out").toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      MariaDbServer server = new MariaDbServer("127.0.0.1", port, ADMIN, password);
      awaitReady(process, server, home);
      log.info("MariaDB started in {} on port {} (pid {})", home, port, process.pid());
      return new LocalMariaDb(home, server, process.pid(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not prepare the MariaDB directory " + home + ": " + e.getMessage(), e);
    }
  }

  public MariaDbServer server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** Whether this object started the server (rather than adopting a running one). */
  public boolean startedHere() {
    return startedHere;
  }

  /** Stops the server if this object started it. */
  @Override
  public void close() {
    if (startedHere) {
      stop();
    }
  }

  /**
   * Stops the server, started here or adopted: a clean {@code SHUTDOWN}, then waits for the process
   * to end (SIGTERM, then SIGKILL, if it does not).
   */
  public void stop() {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    try (Connection c = server.connect(null);
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      process.ifPresent(ProcessHandle::destroy);
    }
    if (process.isPresent()) {
      try {
        process.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        log.warn("MariaDB in {} did not stop within {}; killing it", dir, STOP_TIMEOUT);
        process.get().destroyForcibly();
      }
    }
    log.info("MariaDB in {} stopped", dir);
  }

  /**
   * The server tests use: the one named by {@code REGIONMOVE_MYSQL_URL}, else one private server
   * per JVM in a temporary directory, stopped and removed at JVM exit. Fails (never skips) when
   * MariaDB is not installed.
   */
  public static synchronized MariaDbServer forTests() {
    if (shared != null) {
      return shared;
    }
    String url = System.getenv(MYSQL_URL_ENV);
    if (url != null && !url.isBlank()) {
      shared = MariaDbServer.fromUrl(url);
      return shared;
    }
    try {
      Path dir = Files.createTempDirectory("regionmove-mariadb");
      LocalMariaDb local = start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    local.stop();
                    deleteRecursively(dir);
                  },
                  "regionmove-mariadb-stop"));
      shared = local.server();
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server running in {@code home}, if its process lives and the administrator logs in. */
  private static Optional<LocalMariaDb> adopt(Path home, Path data, String password)
      throws IOException {
    Path pidFile = data.resolve("mariadbd.pid");
    Path portFile = home.resolve("port");
    if (!Files.exists(pidFile) || !Files.exists(portFile)) {
      return Optional.empty();
    }
    long pid;
    int port;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
      port = Integer.parseInt(Files.readString(portFile).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      MariaDbServer server = new MariaDbServer("127.0.0.1", port, ADMIN, password);
      try (Connection c = server.connect(null)) {
        log.info("MariaDB in {} is already running on port {}", home, port);
        return Optional.of(new LocalMariaDb(home, server, pid, false));
      } catch (SQLException e) {
        log.warn(
            "A process {} holds {} but MariaDB does not answer: {}", pid, pidFile, e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static void awaitReady(Process process, MariaDbServer server, Path home) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "mariadbd exited (status "
                + process.exitValue()
                + ") in "
                + home
                + ":\n"
                + tail(home.resolve("mariadb.log"), 15)
                + tail(home.resolve("mariadbd.out"), 5));
      }
      try (Connection c = server.connect(null)) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
        throw new IllegalStateException("Interrupted while MariaDB was starting", e);
      }
    }
    process.destroy();
    throw new IllegalStateException(
        "MariaDB in "
            + home
            + " did not accept connections within "
            + START_TIMEOUT.toSeconds()
            + " s ("
            + (last == null ? "" : last.getMessage())
            + "):\n"
            + tail(home.resolve("mariadb.log"), 15));
  }

  /** Creates the administrator, or resets its password: it runs at every start. */
  private static String initSql(String password) {
    String account = "'" + ADMIN + "'@'127.0.0.1'";
    return "CREATE USER IF NOT EXISTS "
        + account
        + " IDENTIFIED BY '"
        + password
        + "';\n"
        + "ALTER USER "
        + account
        + " IDENTIFIED BY '"
        + password
        + "';\n"
        + "GRANT ALL PRIVILEGES ON *.* TO "
        + account
        + " WITH GRANT OPTION;\n";
  }

  private static String adminPassword(Path home) throws IOException {
    Path file = home.resolve("admin.password");
    if (Files.exists(file)) {
      String kept = Files.readString(file).trim();
      if (kept.matches("[0-9a-f]{32}")) {
        return kept;
      }
    }
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    writePrivate(file, password + "\n");
    return password;
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void exec(boolean asRoot, Path dir, List<String> command, String what) {
    int exit = run(asRoot, dir, command);
    if (exit != 0) {
      throw new IllegalStateException(
          what
              + " failed (exit "
              + exit
              + ") in "
              + dir
              + ":\n"
              + tail(dir.resolve("commands.log"), 15));
    }
  }

  private static int run(boolean asRoot, Path dir, List<String> command) {
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

  private static void chownToMysql(Path home) throws IOException {
    UserPrincipalLookupService lookup = home.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName(OS_USER);
      group = lookup.lookupPrincipalByGroupName(OS_USER);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Running as root needs a 'mysql' system user to run MariaDB;"
              + " install MariaDB with your package manager (for example `apt-get install mariadb-server`).",
          e);
    }
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.getFileName().toString().equals("admin.password")) {
          continue; // only the JVM's user reads it
        }
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

  /** Where mariadbd and mariadb-install-db are. */
  private record Programs(Path server, Path installDb) {
    static Optional<Programs> find() {
      List<Path> dirs = new ArrayList<>();
      String path = System.getenv("PATH");
      if (path != null) {
        for (String entry : path.split(File.pathSeparator)) {
          if (!entry.isBlank()) {
            dirs.add(Path.of(entry));
          }
        }
      }
      dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/bin")));
      Optional<Path> server = first(dirs, "mariadbd", "mysqld");
      Optional<Path> installDb = first(dirs, "mariadb-install-db", "mysql_install_db");
      return server.isPresent() && installDb.isPresent()
          ? Optional.of(new Programs(server.get(), installDb.get()))
          : Optional.empty();
    }

    private static Optional<Path> first(List<Path> dirs, String... names) {
      for (String name : names) {
        for (Path dir : dirs) {
          Path candidate = dir.resolve(name);
          if (Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
      }
      return Optional.empty();
    }
  }
}
