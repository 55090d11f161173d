package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.regionmove.cli.daemon.DaemonKey;
import io.regionmove.cli.daemon.Frames;
import io.regionmove.testkit.TestDirectory;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.worker.dev.FreePorts;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI daemon behind the {@code regionmove} launcher, installed as a person installs it (the
 * launcher beside copies of regionmove.jar and the client's small jar): a command run by a warm
 * daemon prints the same bytes on stdout and stderr and ends with the same exit code as in its own
 * JVM; a daemon never serves a command of another jar or environment, is replaced when its jar
 * changes, ends when idle; without a daemon (none yet, killed, switched off, a directory others can
 * open) the command runs as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonIT {

  /** The client's trace line of a command that a daemon took (REGIONMOVE_DAEMON_TRACE). */
  static final String SERVED = " ms ready\n";

  private static final Duration WARM = Duration.ofMinutes(3);
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final Pattern TRACE = Pattern.compile("(?m)^regionmove-daemon-client: .*\n");

  @RegisterExtension static final DevProcess dev = new DevProcess();

  private Path directory;
  private Path launcher;
  private Path jar;
  private Path runtime;

  /** The repository's launcher (it runs client/target/regionmove.jar). */
  static Path launcher() {
    return Path.of("").toAbsolutePath().getParent().resolve("regionmove");
  }

  @BeforeAll
  void install() throws IOException {
    directory = TestDirectory.create("DaemonIT");
    launcher = directory.resolve("regionmove");
    jar = directory.resolve("regionmove.jar");
    Files.copy(launcher(), launcher, StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(WorkerProcess.regionmoveJar(), jar);
    Files.copy(
        WorkerProcess.regionmoveJar().resolveSibling("regionmove-daemon-client.jar"),
        directory.resolve("regionmove-daemon-client.jar"));
    runtime = runtimeDirectory();
  }

  @AfterAll
  void uninstall() {
    stopDaemons(runtime.resolve("regionmove"));
    TestDirectory.delete(runtime);
    TestDirectory.delete(directory);
  }

  @Test
  void aWarmDaemonPrintsAndEndsAsTheCommandsOwnJvm() {
    Map<String, String> env = env("output");
    Result first = run(env, "migrations");
    assertFalse(first.served(), "no daemon yet: " + first);
    assertEquals(0, first.exit(), first.toString());
    awaitServed(env, "migrations");

    Result created = run(env, "migration-create", "--to", "osc-fr1");
    assertTrue(created.served(), created.toString());
    assertEquals(0, created.exit(), created.toString());
    Matcher m = ID.matcher(created.stdout());
    assertTrue(m.find(), created.toString());
    String id = m.group(1);
    // until the preflight has ended, its output changes from one call to the next
    Result settled = run(off(env), "migration-follow", id);
    assertEquals(0, settled.exit(), settled.toString());

    for (List<String> args :
        List.of(
            List.of("migrations"),
            List.of("--json", "migrations"),
            List.of("migration-follow", id),
            List.of("--help"),
            List.of("migration-run", "--help"),
            List.of("--version"),
            List.of("migration-follow"),
            List.of("--bogus"),
            List.of("migration-follow", "00000000-0000-0000-0000-000000000000"),
            List.of("--region", "nowhere", "--app", "my-app", "migrations"))) {
      String[] argv = args.toArray(String[]::new);
      Result daemon = run(env, argv);
      Result own = run(off(env), argv);
      assertTrue(daemon.served(), "run by the daemon: " + daemon);
      assertFalse(own.traced(), "REGIONMOVE_DAEMON=off uses no client: " + own);
      assertEquals(own.exit(), daemon.exit(), args + "\n" + daemon + "\n" + own);
      assertEquals(own.stdout(), daemon.stdout(), args.toString());
      assertEquals(own.stderr(), daemon.stderr(), args.toString());
    }
    // the history's search attributes come in the server's order, which changes from call to call
    Result history = run(env, "migration-history", id);
    assertTrue(history.served(), history.toString());
    assertEquals(0, history.exit(), history.toString());
    assertTrue(
        history.stdout().contains("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"), history.stdout());
  }

  @Test
  void anUnreachableServerIsTheSameErrorThroughTheDaemon() {
    Map<String, String> env = env("unreachable");
    env.put("TEMPORAL_ADDRESS", "127.0.0.1:" + FreePorts.find());
    Result daemon = awaitServed(env, "migrations");
    Result own = run(off(env), "migrations");
    assertEquals(3, own.exit(), own.toString());
    assertEquals(own.exit(), daemon.exit(), daemon.toString());
    assertEquals(own.stderr(), daemon.stderr());
    assertTrue(daemon.stderr().startsWith("Cannot reach the Temporal server at"), daemon.stderr());
  }

  @Test
  void aDaemonNeverServesAnotherEnvironment() throws IOException {
    Map<String, String> mine = env("environment");
    awaitServed(mine, "migrations");
    Map<String, String> other = new HashMap<>(mine);
    other.put("REGIONMOVE_APP", "other-app");
    Result result = run(other, "migrations");
    assertFalse(result.served(), "another key, another daemon: " + result);
    assertEquals(0, result.exit(), result.toString());
    assertTrue(result.stdout().startsWith("No migration of app other-app"), result.toString());

    // the daemon itself refuses a client that names another key on its socket
    Path socket = onlySocket(mine);
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      Frames frames = new Frames(channel);
      frames.write(
          Frames.HELLO, "regionmove-daemon 1\nanother key".getBytes(StandardCharsets.UTF_8));
      frames.read();
      assertEquals(Frames.REFUSED, frames.type());
    }
  }

  @Test
  void aNewJarIsNeverServedByTheOldDaemon() throws IOException {
    Map<String, String> env = env("jar");
    awaitServed(env, "--version");
    long old = onlyDaemon(env);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    Result result = run(env, "--version");
    assertFalse(result.served(), "the old daemon took a command of the new jar: " + result);
    assertEquals("regionmove 0.1.0\n", result.stdout(), result.toString());
    awaitEnd(old, "the daemon of the old jar");
    awaitServed(env, "--version");
    assertNotEquals(old, onlyDaemon(env));
  }

  @Test
  void aKilledDaemonCostsOnlyTime() {
    Map<String, String> env = env("killed");
    awaitServed(env, "migrations");
    long pid = onlyDaemon(env);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    awaitEnd(pid, "the killed daemon");

    Result result = run(env, "migrations");
    assertFalse(result.served(), result.toString());
    assertEquals(0, result.exit(), result.toString());
    assertEquals(run(off(env), "migrations").stdout(), result.stdout());
    awaitServed(env, "migrations");
    assertNotEquals(pid, onlyDaemon(env));
  }

  @Test
  void anIdleDaemonEndsAndLeavesNoFile() {
    Map<String, String> env = env("idle");
    env.put("REGIONMOVE_DAEMON_IDLE", "3");
    awaitServed(env, "--version");
    long pid = onlyDaemon(env);
    awaitEnd(pid, "the idle daemon");
    DaemonKey key = key(env);
    assertFalse(Files.exists(key.socket()), key.socket().toString());
    assertFalse(Files.exists(key.pidFile()), key.pidFile().toString());
    assertFalse(Files.exists(key.logFile()), key.logFile().toString());
  }

  @Test
  void noDaemonWhenSwitchedOffOrInADirectoryOthersCanOpen() throws Exception {
    Map<String, String> env = env("off");
    Result off = run(off(env), "migrations");
    assertEquals(0, off.exit(), off.toString());
    assertFalse(off.traced(), off.toString());
    Thread.sleep(2000);
    assertFalse(Files.exists(key(env).pidFile()), "REGIONMOVE_DAEMON=off starts no daemon");

    Path shared = directory.resolve("shared-runtime");
    Files.createDirectories(shared.resolve("regionmove"));
    Files.setPosixFilePermissions(
        shared.resolve("regionmove"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> open = env("open");
    open.put("XDG_RUNTIME_DIR", shared.toString());
    for (int i = 0; i < 3; i++) {
      Result result = run(open, "migrations");
      assertFalse(result.served(), result.toString());
      assertEquals(0, result.exit(), result.toString());
      assertEquals(off.stdout(), result.stdout());
      Thread.sleep(2000);
    }
    try (Stream<Path> files = Files.list(shared.resolve("regionmove"))) {
      assertEquals(List.of(), files.toList(), "no daemon in a directory others can open");
    }
  }

  // --- helpers

  record Result(int exit, String stdout, String stderr, boolean served, boolean traced) {
    @Override
    public String toString() {
      return "exit "
          + exit
          + (served ? " (daemon)" : "")
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  /** The stack's environment, the test's daemon directory, a key of the test's own. */
  private Map<String, String> env(String test) {
    Map<String, String> env = new HashMap<>(dev.env());
    env.put("REGIONMOVE_REGION", "agora-fr1");
    env.put("REGIONMOVE_APP", "my-app");
    env.put("REGIONMOVE_CDS", "off"); // no training run beside the copy of the jar
    env.put("REGIONMOVE_DAEMON_TRACE", "1");
    env.put("REGIONMOVE_TEST_KEY", test); // part of the key: a daemon per test
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    return env;
  }

  private static Map<String, String> off(Map<String, String> env) {
    Map<String, String> off = new HashMap<>(env);
    off.put("REGIONMOVE_DAEMON", "off");
    return off;
  }

  private Result run(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(name -> name.startsWith("REGIONMOVE_") || name.startsWith("TEMPORAL_"));
    environment.put(
        "PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    environment.putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> out = CliProcess.read(process.getInputStream());
      CompletableFuture<String> err = CliProcess.read(process.getErrorStream());
      if (!process.waitFor(4, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("regionmove " + String.join(" ", args) + " did not end");
      }
      String stderr = err.get();
      String plain = TRACE.matcher(stderr).replaceAll("");
      return new Result(
          process.exitValue(), out.get(), plain, stderr.contains(SERVED), !plain.equals(stderr));
    } catch (Exception e) {
      throw new AssertionError("cannot run regionmove " + String.join(" ", args) + ": " + e, e);
    }
  }

  /** Runs the command until a daemon takes it (the first one starts it). */
  private Result awaitServed(Map<String, String> env, String... args) {
    long deadline = System.nanoTime() + WARM.toNanos();
    while (true) {
      Result result = run(env, args);
      if (result.served()) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        fail("no daemon took regionmove " + String.join(" ", args) + " within " + WARM);
      }
      sleep(1000);
    }
  }

  /** The key a command of {@code env} has, as the client computes it. */
  private DaemonKey key(Map<String, String> env) {
    Map<String, String> full = new HashMap<>(System.getenv());
    full.keySet().removeIf(name -> name.startsWith("REGIONMOVE_") || name.startsWith("TEMPORAL_"));
    full.putAll(env);
    return DaemonKey.of(
        jar.toFile(),
        System.getProperty("java.home"),
        directory.toString(),
        full,
        runtime.resolve("regionmove"));
  }

  private Path onlySocket(Map<String, String> env) {
    Path socket = key(env).socket();
    assertTrue(Files.exists(socket), "the daemon's socket " + socket);
    return socket;
  }

  /** The pid of the daemon of {@code env}'s key. */
  private long onlyDaemon(Map<String, String> env) {
    try {
      String pid = Files.readString(key(env).pidFile()).trim();
      assertFalse(pid.isEmpty(), "the daemon wrote its pid");
      return Long.parseLong(pid);
    } catch (IOException e) {
      throw new AssertionError("no daemon of this key: " + e, e);
    }
  }

  private static void awaitEnd(long pid, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        fail(what + " (" + pid + ") did not end within 60 s");
      }
      sleep(200);
    }
  }

  /**
   * A private XDG_RUNTIME_DIR for a test's daemons, in the system's temporary directory: a socket's
   * path must fit in 107 bytes, and target/'s test directories can be longer.
   */
  static Path runtimeDirectory() {
    try {
      return Files.createTempDirectory(
          "regionmove-it-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Ends the daemons whose pid files are in {@code daemons} (a test's own directory). */
  static void stopDaemons(Path daemons) {
    if (daemons == null || !Files.isDirectory(daemons)) {
      return;
    }
    try (Stream<Path> files = Files.list(daemons)) {
      for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        Optional<ProcessHandle> daemon;
        try {
          String pid = Files.readString(pidFile).trim();
          daemon = pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | NumberFormatException e) {
          continue;
        }
        daemon.ifPresent(
            p -> {
              p.destroy();
              p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
