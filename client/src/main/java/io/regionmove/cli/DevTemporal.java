package io.regionmove.cli;

import io.grpc.StatusRuntimeException;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.regionmove.worker.dev.TemporalDevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server of the dev stack: the {@code temporal} CLI's dev server as a child process
 * (Temporal Web included, state in {@code <home>/temporal.db}) when the CLI is installed, else the
 * SDK's in-memory test server bound to the port (no Web UI, no visibility queries); or, with {@code
 * TEMPORAL_ADDRESS} set, a server started elsewhere (a cluster, Temporal Cloud).
 */
final class DevTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevTemporal.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String address;
  private final TemporalDevServer devServer;
  private final TestServer.PortBoundTestServer testServer;
  private final WorkflowClient client;

  private DevTemporal(
      String address,
      TemporalDevServer devServer,
      TestServer.PortBoundTestServer testServer,
      WorkflowClient client) {
    this.address = address;
    this.devServer = devServer;
    this.testServer = testServer;
    this.client = client;
  }

  static DevTemporal start(Path home, int port, int uiPort, boolean embedded) {
    Optional<Path> cli = embedded ? Optional.empty() : TemporalDevServer.findCli();
    if (cli.isEmpty()) {
      String address = "127.0.0.1:" + port;
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
      WorkflowClient client = TemporalClients.connect(address, TemporalClients.DEFAULT_NAMESPACE);
      TemporalClients.registerSearchAttributes(client);
      log.info("In-JVM Temporal test server on {}", address);
      return new DevTemporal(address, null, server, client);
    }
    TemporalDevServer server =
        TemporalDevServer.start(
            cli.get(),
            new TemporalDevServer.Options(
                port, uiPort, home.resolve("temporal.db"), home.resolve("temporal.log")));
    try {
      return new DevTemporal(server.address(), server, null, server.awaitReady(START_TIMEOUT));
    } catch (TemporalUnreachableException e) {
      server.close();
      throw new CliException(ExitCodes.UNREACHABLE, e.getMessage(), e);
    }
  }

  /**
   * The server the SDK's environment configuration names ({@code TEMPORAL_ADDRESS}, TLS and API key
   * variables), started elsewhere: nothing is started here. Registers regionmove's search
   * attributes when they are missing.
   */
  static DevTemporal external() {
    WorkflowClient client = TemporalClients.fromEnvironment();
    String address = client.getWorkflowServiceStubs().getOptions().getTarget();
    try {
      TemporalClients.registerSearchAttributes(client);
    } catch (StatusRuntimeException e) {
      client.getWorkflowServiceStubs().shutdownNow();
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Cannot register the search attributes on the Temporal server at "
              + address
              + " ("
              + e.getStatus().getCode()
              + "); register them with `temporal operator search-attribute create`.",
          e);
    }
    return new DevTemporal(address, null, null, client);
  }

  String address() {
    return address;
  }

  /** Temporal Web's URL, or null with the in-JVM test server or an external server. */
  String webUrl() {
    return devServer == null ? null : devServer.webUrl().orElse(null);
  }

  /** Which server runs, for the dev stack's summary (tests check it says the Temporal CLI). */
  String description() {
    if (devServer != null) {
      return "Temporal CLI dev server, pid " + devServer.pid();
    }
    return testServer != null
        ? "in-JVM Temporal test server: no Temporal Web, no visibility queries"
        : "the server named by TEMPORAL_ADDRESS, not started by regionmove dev";
  }

  boolean hasWeb() {
    return webUrl() != null;
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
    if (devServer != null) {
      devServer.close();
    }
  }
}
