package io.regionmove.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Temporal server for tests: {@code temporal server start-dev} (in memory, headless) on free
 * loopback ports. Used where the Java test server differs from a real one: it never moves a
 * workflow task off the sticky queue of a worker that died, so a killed worker's workflows would
 * stall there. Without the Temporal CLI, {@link #start} throws and the test fails.
 */
final class TemporalDevServer implements AutoCloseable {

  /** Names the {@code temporal} executable when it is not on PATH. */
  static final String CLI_VARIABLE = "TEMPORAL_CLI";

  private final Process process;
  private final int port;
  private final Path logFile;

  private TemporalDevServer(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  static TemporalDevServer start(Path dir) {
    Path cli =
        locate()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The Temporal CLI (temporal) was not found on PATH nor in ~/go/bin or ~/.temporalio/bin;"
                            + " install it (https://docs.temporal.io/cli) or set "
                            + CLI_VARIABLE
                            + "."));
    int port = freePort();
    Path logFile = dir.resolve("temporal-dev.log");
    ProcessBuilder builder =
        new ProcessBuilder(
            cli.toString(),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--http-port",
            String.valueOf(freePort()),
            "--metrics-port",
            String.valueOf(freePort()),
            "--namespace",
            RegionmoveTestStack.NAMESPACE,
            "--log-level",
            "warn");
    builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
    try {
      return new TemporalDevServer(builder.start(), port, logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cli, e);
    }
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Fails with the server's log when it has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      String log;
      try {
        log = Files.readString(logFile);
      } catch (IOException e) {
        log = "(no log: " + e + ")";
      }
      throw new IllegalStateException(
          "temporal server start-dev exited with " + process.exitValue() + ":\n" + log);
    }
  }

  @Override
  public void close() {
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
        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .filter(s -> !s.isBlank())
            .map(s -> Path.of(s, "temporal"));
    return Stream.concat(
            onPath,
            List.of(
                Path.of(home, "go", "bin", "temporal"),
                Path.of(home, ".temporalio", "bin", "temporal"))
                .stream())
        .filter(Files::isExecutable)
        .findFirst();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Retries {@code connect} until the server answers or {@code timeout} passes. */
  static <T> T untilUp(
      TemporalDevServer server, java.util.function.Supplier<T> connect, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      server.checkAlive();
      try {
        return connect.get();
      } catch (TemporalUnreachableException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        RegionmoveTestStack.sleep(Duration.ofMillis(300));
      }
    }
  }
}
