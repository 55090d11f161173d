package io.regionmove.sandbox.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A private Redis server: {@code redis-server} daemonized on a free loopback port, its state under
 * one directory: the configuration written at each start, the users file ({@code users.acl}: the
 * {@code default} user, the administrator, with a password generated on first use and kept in
 * {@code admin.password}, readable by its owner only; one user per addon, see {@link
 * RedisAddonProvisioner}) and the data, kept in an append-only file synced every second, so a
 * restart loses nothing. Like a PostgreSQL cluster under pg_ctl, the server outlives the JVM that
 * started it until {@link #close()}; the next {@link #start} adopts it.
 *
 * <p>Debian's package also starts a system Redis on port 6379: it is neither used nor disturbed.
 */
public final class LocalRedis implements AutoCloseable {

  /** Names the redis-server program to use instead of the one found on PATH. */
  public static final String SERVER_ENV = "REGIONMOVE_REDIS_SERVER";

  /** Databases of a server: 0 is the administrator's, each addon gets one of the others. */
  public static final int DATABASES = 1024;

  private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static RedisServer shared;

  private final Path dir;
  private final RedisServer server;
  private final boolean startedHere;

  private LocalRedis(Path dir, RedisServer server, boolean startedHere) {
    this.dir = dir;
    this.server = server;
    this.startedHere = startedHere;
  }

  /**
   * Starts the server kept in {@code dir} (creating it on first use), or adopts it when it is
   * already running.
   *
   * @throws IllegalStateException naming how to install Redis when redis-server is missing
   */
  public static LocalRedis start(Path dir) {
    Path program =
        findServer()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "redis-server was not found on PATH nor in /usr/bin; install it (for example"
                            + " `apt-get install redis-server`) or set "
                            + SERVER_ENV
                            + "."));
    Path home = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(home);
      String password = adminPassword(home);
      Path users = home.resolve("users.acl");
      if (!Files.exists(users)) {
        Files.writeString(users, "user default on #" + sha256(password) + " ~* &* +@all\n");
      }
      Optional<RedisServer> running = running(home, password);
      if (running.isPresent()) {
        log.info("Redis in {} is already running on port {}", home, running.get().port());
        return new LocalRedis(home, running.get(), false);
      }
      int port = freePort();
      Path config = home.resolve("redis.conf");
      Files.writeString(config, configuration(home, port));
      Files.deleteIfExists(home.resolve("redis.pid"));
      run(List.of(program.toString(), config.toString()), home);
      RedisServer server = new RedisServer("127.0.0.1", port, password);
      awaitReady(server, home);
      Files.writeString(home.resolve("port"), Integer.toString(port));
      log.info("Redis started in {} on port {}", home, port);
      return new LocalRedis(home, server, true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not prepare the Redis directory " + home + ": " + e.getMessage(), e);
    }
  }

  public RedisServer server() {
    return server;
  }

  public Path dir() {
    return dir;
  }

  /** Stops the server (its data synced to disk first) if this object started it. */
  @Override
  public void close() {
    if (startedHere) {
      stop(dir, server);
    }
  }

  /**
   * The server tests use: one private server per JVM in a temporary directory, stopped and removed
   * at JVM exit.
   */
  public static synchronized RedisServer forTests() {
    if (shared != null) {
      return shared;
    }
    try {
      Path dir = Files.createTempDirectory("regionmove-redis");
      LocalRedis redis = start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    redis.close();
                    deleteRecursively(dir);
                  },
                  "regionmove-redis-stop"));
      shared = redis.server();
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Path> findServer() {
    String configured = System.getenv(SERVER_ENV);
    if (configured != null && !configured.isBlank()) {
      Path program = Path.of(configured);
      return Files.isExecutable(program) ? Optional.of(program) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry).resolve("redis-server");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    Path debian = Path.of("/usr/bin/redis-server");
    return Files.isExecutable(debian) ? Optional.of(debian) : Optional.empty();
  }

  /**
   * AOF synced every second (the default of a managed Redis) with an RDB preamble, no RDB snapshots
   * besides; the {@code default} user's password comes from {@code users.acl}.
   */
  private static String configuration(Path home, int port) {
    return String.join(
        "\n",
        "# Written by regionmove at each start; edits are lost.",
        "bind 127.0.0.1",
        "protected-mode yes",
        "port " + port,
        "daemonize yes",
        "pidfile " + home.resolve("redis.pid"),
        "logfile " + home.resolve("redis.log"),
        "dir " + home,
        "aclfile " + home.resolve("users.acl"),
        "databases " + DATABASES,
        "save \"\"",
        "appendonly yes",
        "appendfsync everysec",
        "");
  }

  /** The server running in {@code home}, if its pid file names a live redis that answers. */
  private static Optional<RedisServer> running(Path home, String password) throws IOException {
    Path pidFile = home.resolve("redis.pid");
    Path portFile = home.resolve("port");
    if (!Files.exists(pidFile) || !Files.exists(portFile)) {
      return Optional.empty();
    }
    Optional<ProcessHandle> process = process(pidFile);
    if (process.isEmpty()) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(Files.readString(portFile).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    RedisServer server = new RedisServer("127.0.0.1", port, password);
    try (Jedis admin = server.connect(0)) {
      return "PONG".equals(admin.ping()) ? Optional.of(server) : Optional.empty();
    } catch (JedisException e) {
      return Optional.empty();
    }
  }

  private static Optional<ProcessHandle> process(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void awaitReady(RedisServer server, Path home) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    JedisException last = null;
    while (System.nanoTime() < deadline) {
      try (Jedis admin = server.connect(0)) {
        if ("PONG".equals(admin.ping())) {
          return;
        }
      } catch (JedisException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Redis in " + home, e);
      }
    }
    throw new IllegalStateException(
        "Redis in "
            + home
            + " did not answer within "
            + START_TIMEOUT.toSeconds()
            + " s"
            + (last == null ? "" : " (" + last.getMessage() + ")")
            + ":\n"
            + tail(home.resolve("redis.log"), 15));
  }

  private static void stop(Path home, RedisServer server) {
    Optional<ProcessHandle> process = process(home.resolve("redis.pid"));
    try (Jedis admin = server.connect(0)) {
      admin.shutdown();
    } catch (JedisException e) {
      // The connection ends with the server: that is the answer to SHUTDOWN.
    }
    if (process.isPresent()) {
      try {
        process.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Redis in {} did not stop in time; killing it", home);
        process.get().destroyForcibly();
      }
    }
  }

  /** The administrator's password, generated on first use and readable by its owner only. */
  private static String adminPassword(Path home) throws IOException {
    Path file = home.resolve("admin.password");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, password);
    return password;
  }

  private static void run(List<String> command, Path home) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("commands.log").toFile()))
            .start();
    try {
      if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not daemonize in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Redis in " + home, e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "redis-server failed (exit "
              + process.exitValue()
              + ") in "
              + home
              + ":\n"
              + tail(home.resolve("commands.log"), 15)
              + tail(home.resolve("redis.log"), 15));
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
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
