package io.regionmove.web;

import io.regionmove.workflows.MigrationSearchAttributes;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code temporal server start-dev} as a child process, with its state in a SQLite file so that a
 * restart on the same file (same ports) finds every workflow again, Temporal Web on its own port,
 * and regionmove's search attributes registered. Without the Temporal CLI, {@link #start} throws:
 * the test fails, it does not skip.
 */
final class TemporalCliDevServer implements AutoCloseable {

  /** Names the {@code temporal} executable when it is not on PATH (as in the dev stack). */
  static final String CLI_VARIABLE = "REGIONMOVE_TEMPORAL_CLI";

  private final Path cli;
  private final Path dbFile;
  private final Path logFile;
  private final int port;
  private final int uiPort;
  private Process process;

  private TemporalCliDevServer(Path cli, Path dbFile, Path logFile, int port, int uiPort) {
    this.cli = cli;
    this.dbFile = dbFile;
    this.logFile = logFile;
    this.port = port;
    this.uiPort = uiPort;
  }

  static TemporalCliDevServer start(Path dir) {
    Path cli =
        locate()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The Temporal CLI (temporal) was not found on PATH nor in ~/go/bin or ~/.temporalio/bin;"
                            + " install it (go install github.com/temporalio/cli/cmd/temporal@v1.5.1) or set "
                            + CLI_VARIABLE
                            + "."));
    TemporalCliDevServer server =
        new TemporalCliDevServer(
            cli,
            dir.resolve("temporal.db"),
            dir.resolve("temporal.log"),
            Ports.free(),
            Ports.free());
    server.launch();
    return server;
  }

  /** (Re)starts the server on the same database file and ports. */
  void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(
          "the dev server is already running (pid " + process.pid() + ")");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--ui-port",
                Integer.toString(uiPort),
                "--db-filename",
                dbFile.toString(),
                "--log-level",
                "warn"));
    MigrationSearchAttributes.ALL.forEach(
        key -> command.addAll(List.of("--search-attribute", key.getName() + "=Keyword")));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cli, e);
    }
  }

  /** SIGKILL: no shutdown, the SQLite file is left as a crash leaves it. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the dev server did not die within 10 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails with the server's log when it has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "temporal server start-dev exited with " + process.exitValue() + ":\n" + log());
    }
  }

  String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  String webUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  Path dbFile() {
    return dbFile;
  }

  Process process() {
    return process;
  }

  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<Path> locate() {
    String configured = System.getenv(CLI_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    String home = System.getProperty("user.home");
    Stream<Path> onPath =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(s -> !s.isBlank())
            .map(s -> Path.of(s, "temporal"));
    return Stream.concat(
            onPath,
            Stream.of(
                Path.of(home, "go", "bin", "temporal"),
                Path.of(home, ".temporalio", "bin", "temporal")))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }
}
