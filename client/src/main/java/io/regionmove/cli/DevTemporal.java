package io.regionmove.cli;

import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.testserver.TestServer;
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
 * The Temporal server of the dev stack: the {@code temporal} CLI's dev server as a child process
 * (Temporal Web included, state in {@code <home>/temporal.db}) when the CLI is installed, else the
 * SDK's in-memory test server bound to the port (no Web UI, no visibility queries).
 */
final class DevTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevTemporal.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String address;
  private final String webUrl;
  private final Process process;
  private final TestServer.PortBoundTestServer testServer;
  private final WorkflowClient client;

  private DevTemporal(
      String address,
      String webUrl,
      Process process,
      TestServer.PortBoundTestServer testServer,
      WorkflowClient client) {
    this.address = address;
    this.webUrl = webUrl;
    this.process = process;
    this.testServer = testServer;
    this.client = client;
  }

  static DevTemporal start(Path home, int port, int uiPort, boolean embedded) {
    String address = "127.0.0.1:" + port;
    Optional<Path> cli = embedded ? Optional.empty() : findCli();
    if (cli.isEmpty()) {
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
      WorkflowClient client = TemporalClients.connect(address, TemporalClients.DEFAULT_NAMESPACE);
      TemporalClients.registerSearchAttributes(client);
      log.info("In-JVM Temporal test server on {}", address);
      return new DevTemporal(address, null, null, server, client);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                cli.get().toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--ui-port",
                Integer.toString(uiPort),
                "--db-filename",
                home.resolve("temporal.db").toAbsolutePath().toString(),
                "--log-level",
                "warn"));
    for (SearchAttributeKey<String> key : MigrationSearchAttributes.ALL) {
      command.addAll(List.of("--search-attribute", key.getName() + "=Keyword"));
    }
    Path logFile = home.resolve("temporal.log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + cli.get() + ": " + e.getMessage(), e);
    }
    log.info("Started {} (pid {})", String.join(" ", command), process.pid());
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "The Temporal dev server exited at start (code "
                + process.exitValue()
                + "; is port "
                + port
                + " or "
                + uiPort
                + " taken?); see "
                + logFile
                + ".");
      }
      try {
        WorkflowClient client = TemporalClients.connect(address, TemporalClients.DEFAULT_NAMESPACE);
        awaitNamespace(client, deadline);
        return new DevTemporal(address, "http://127.0.0.1:" + uiPort, process, null, client);
      } catch (TemporalUnreachableException e) {
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new CliException(
              ExitCodes.UNREACHABLE,
              "The Temporal dev server did not answer on "
                  + address
                  + " within "
                  + START_TIMEOUT.toSeconds()
                  + " s; see "
                  + logFile
                  + ".");
        }
        sleep(300);
      }
    }
  }

  /**
   * The server the SDK's environment configuration names ({@code TEMPORAL_ADDRESS}, TLS and API key
   * variables), started elsewhere: nothing is started here. Registers regionmove's search
   * attributes when they are missing.
   */
  static DevTemporal external() {
    WorkflowClient client = TemporalClients.fromEnvironment();
    try {
      TemporalClients.registerSearchAttributes(client);
    } catch (io.grpc.StatusRuntimeException e) {
      client.getWorkflowServiceStubs().shutdownNow();
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Cannot register the search attributes on the Temporal server at "
              + client.getWorkflowServiceStubs().getOptions().getTarget()
              + " ("
              + e.getStatus().getCode()
              + "); register them with `temporal operator search-attribute create`.",
          e);
    }
    return new DevTemporal(
        client.getWorkflowServiceStubs().getOptions().getTarget(), null, null, null, client);
  }

  /** The dev server answers health checks a moment before its default namespace exists. */
  private static void awaitNamespace(WorkflowClient client, long deadline) {
    while (true) {
      try {
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeNamespace(
                io.temporal.api.workflowservice.v1.DescribeNamespaceRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .build());
        return;
      } catch (io.grpc.StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(300);
      }
    }
  }

  /** {@code temporal} on PATH, else in ~/go/bin or ~/.temporalio/bin. */
  static Optional<Path> findCli() {
    String override = System.getenv("REGIONMOVE_TEMPORAL_CLI");
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override)).filter(Files::isExecutable);
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir, "temporal"));
        }
      }
    }
    String userHome = System.getProperty("user.home");
    candidates.add(Path.of(userHome, "go", "bin", "temporal"));
    candidates.add(Path.of(userHome, ".temporalio", "bin", "temporal"));
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  String address() {
    return address;
  }

  /** Temporal Web's URL, or null with the in-JVM test server. */
  String webUrl() {
    return webUrl;
  }

  /** Which server runs, for the dev stack's summary (tests check it says the Temporal CLI). */
  String description() {
    if (process != null) {
      return "Temporal CLI dev server, pid " + process.pid();
    }
    return testServer != null
        ? "in-JVM Temporal test server: no Temporal Web, no visibility queries"
        : "the server named by TEMPORAL_ADDRESS, not started by regionmove dev";
  }

  boolean hasWeb() {
    return webUrl != null;
  }

  WorkflowClient client() {
    return client;
  }

  @Override
  public void close() {
    client.getWorkflowServiceStubs().shutdownNow();
    if (testServer != null) {
      testServer.close();
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "Interrupted while starting Temporal.");
    }
  }
}
