package io.regionmove.cli;

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
 * SDK's in-memory test server bound to the port (no Web UI, no visibility queries).
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

  String address() {
    return address;
  }

  /** Temporal Web's URL, or null with the in-JVM test server. */
  String webUrl() {
    return devServer == null ? null : devServer.webUrl().orElse(null);
  }

  /** Which server runs, for the dev stack's summary (tests check it says the Temporal CLI). */
  String description() {
    return devServer != null
        ? "Temporal CLI dev server, pid " + devServer.pid()
        : "in-JVM Temporal test server: no Temporal Web, no visibility queries";
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
