package io.regionmove.worker.dev;

import io.grpc.StatusRuntimeException;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code temporal server start-dev} as a child process, on 127.0.0.1, with regionmove's search
 * attributes registered: the one launcher of the Temporal CLI's dev server, used by {@code
 * regionmove dev} and {@code demo} and by the integration tests. With a SQLite file the state
 * survives a {@link #kill()} and {@link #launch()} on the same file and ports; with a UI port it
 * serves Temporal Web, else it runs headless.
 */
public final class TemporalDevServer implements AutoCloseable {

  /**
   * Names the {@code temporal} executable; unset, it is looked up on {@code PATH}, then in {@code
   * ~/go/bin} and {@code ~/.temporalio/bin}.
   */
  public static final String CLI_VARIABLE = "REGIONMOVE_TEMPORAL_CLI";

  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);

  /**
   * How to run the server.
   *
   * @param port the frontend (gRPC) port
   * @param uiPort Temporal Web's port; 0 runs the server headless
   * @param dbFile the SQLite file holding the server's state; null keeps it in memory
   * @param logFile where the server's output is appended
   */
  public record Options(int port, int uiPort, Path dbFile, Path logFile) {}

  private final Path cli;
  private final Options options;
  private Process process;

  private TemporalDevServer(Path cli, Options options) {
    this.cli = cli;
    this.options = options;
  }

  /** Starts the server; {@link #awaitReady} waits until it answers. */
  public static TemporalDevServer start(Path cli, Options options) {
    TemporalDevServer server = new TemporalDevServer(cli, options);
    server.launch();
    return server;
  }

  /** The executable named by {@value #CLI_VARIABLE}, else {@code temporal} where it is usual. */
  public static Optional<Path> findCli() {
    String configured = System.getenv(CLI_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "temporal"));
      }
    }
    String home = System.getProperty("user.home");
    candidates.add(Path.of(home, "go", "bin", "temporal"));
    candidates.add(Path.of(home, ".temporalio", "bin", "temporal"));
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /**
   * @throws IllegalStateException naming how to install the CLI, when {@link #findCli()} finds none
   */
  public static Path requireCli() {
    return findCli()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The Temporal CLI (temporal) was not found on PATH nor in ~/go/bin or"
                        + " ~/.temporalio/bin; install it (https://docs.temporal.io/cli) or set "
                        + CLI_VARIABLE
                        + "."));
  }

  /** The command line the server runs with. */
  public List<String> command() {
    List<String> command =
        new ArrayList<>(
            List.of(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(options.port())));
    if (options.uiPort() == 0) {
      command.add("--headless");
    } else {
      command.addAll(List.of("--ui-port", Integer.toString(options.uiPort())));
    }
    if (options.dbFile() != null) {
      command.addAll(List.of("--db-filename", options.dbFile().toAbsolutePath().toString()));
    }
    command.addAll(List.of("--log-level", "warn"));
    for (SearchAttributeKey<String> key : MigrationSearchAttributes.ALL) {
      command.addAll(List.of("--search-attribute", key.getName() + "=Keyword"));
    }
    return command;
  }

  /** Starts the server process: at first, and again after {@link #kill()} on the same state. */
  public synchronized void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(
          "The Temporal dev server is already running (pid " + process.pid() + ").");
    }
    List<String> command = command();
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + cli + ": " + e.getMessage(), e);
    }
    log.info("Started {} (pid {})", String.join(" ", command), process.pid());
  }

  /**
   * A client of the default namespace, once the server answers and that namespace exists (the
   * server answers health checks a moment before).
   *
   * @throws TemporalUnreachableException when the server exits, or does not answer within {@code
   *     timeout}; the message names the log file
   */
  public WorkflowClient awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new TemporalUnreachableException(
            address(),
            "The Temporal dev server exited at start (code "
                + process.exitValue()
                + "; is port "
                + options.port()
                + (options.uiPort() == 0 ? "" : " or " + options.uiPort())
                + " taken?); see "
                + options.logFile()
                + ".",
            null);
      }
      WorkflowClient client = null;
      try {
        client = TemporalClients.connect(address(), TemporalClients.DEFAULT_NAMESPACE);
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder()
                    .setNamespace(TemporalClients.DEFAULT_NAMESPACE)
                    .build());
        return client;
      } catch (TemporalUnreachableException | StatusRuntimeException e) {
        if (client != null) {
          client.getWorkflowServiceStubs().shutdownNow();
        }
        if (System.nanoTime() > deadline) {
          throw new TemporalUnreachableException(
              address(),
              "The Temporal dev server did not answer on "
                  + address()
                  + " within "
                  + timeout.toSeconds()
                  + " s; see "
                  + options.logFile()
                  + ".",
              e);
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new TemporalUnreachableException(
              address(), "Interrupted while waiting for the Temporal dev server.", interrupted);
        }
      }
    }
  }

  /** SIGKILL, no shutdown: the SQLite file is left as a crash leaves it. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "The Temporal dev server (pid " + process.pid() + ") outlived SIGKILL by 10 s.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code host:port} of the frontend. */
  public String address() {
    return "127.0.0.1:" + options.port();
  }

  /** Temporal Web's URL; empty when headless. */
  public Optional<String> webUrl() {
    return options.uiPort() == 0
        ? Optional.empty()
        : Optional.of("http://127.0.0.1:" + options.uiPort());
  }

  public Options options() {
    return options;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** What the server has written to its log file so far. */
  public String log() {
    try {
      return Files.exists(options.logFile()) ? Files.readString(options.logFile()) : "";
    } catch (IOException e) {
      return "(" + options.logFile() + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the server as SIGTERM would, killing it when it takes longer than 10 s. */
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
}
