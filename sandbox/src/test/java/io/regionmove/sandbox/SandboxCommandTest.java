package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SandboxCommandTest {

  @TempDir Path dir;

  @Test
  void aUsageErrorIsOneSentenceAndExitCode2BeforeAnythingStarts() {
    assertUsageError("'--port=PORT'", "--region", "r-fr1");
    assertUsageError("'many' is not an int", "--region", "r-fr1", "--port", "many");
    assertUsageError(
        "--port must be from 0 to 65535, not 70000.", "--region", "r-fr1", "--port", "70000");
    assertUsageError("--fault-rate: ", "--region", "r-fr1", "--port", "0", "--fault-rate", "2");
    assertUsageError(
        "--fault-latency-ms: ", "--region", "r-fr1", "--port", "0", "--fault-latency-ms", "9-1");
    assertUsageError("Unknown option: '--colour'", "--region", "r-fr1", "--port", "0", "--colour");
    assertTrue(Files.notExists(dir.resolve("r-fr1.json")), "nothing was started");
    assertTrue(Files.notExists(dir.resolve("pg")), "no PostgreSQL was started");
  }

  @Test
  void faultFlagsOverrideTheEnvironmentItemByItem() {
    SandboxCommand command = new SandboxCommand();
    new CommandLine(command)
        .parseArgs("--region", "r-fr1", "--port", "0", "--fault-rate", "0.5", "--fault-router");
    FaultOptions faults =
        command.faults(FaultOptions.parse("rate=0.3,latency=50-200,hang-time=10s,seed=7"));
    assertEquals(0.5, faults.errorRate());
    assertEquals(Duration.ofMillis(50), faults.minLatency());
    assertEquals(Duration.ofMillis(200), faults.maxLatency());
    assertEquals(Duration.ofSeconds(10), faults.hangTime());
    assertEquals(7L, faults.seed());
    assertTrue(faults.router());
  }

  @Test
  void aRegionThatCannotStartReturns1InsteadOfExiting() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      StringWriter err = new StringWriter();
      int code =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  run(
                      err,
                      "--region",
                      "r-fr1",
                      "--port",
                      port,
                      "--state-dir",
                      dir.toString(),
                      "--pg-url",
                      "postgresql://postgres@127.0.0.1:1/postgres"));
      assertEquals(1, code, err.toString());
      assertTrue(
          err.toString().startsWith("Cannot start the sandbox region r-fr1 on 127.0.0.1:" + port),
          err.toString());
    }
  }

  /**
   * Runs the command as {@link SandboxMain} does, in {@link #dir}: exit code 2 and one line naming
   * the error.
   */
  private void assertUsageError(String expected, String... args) {
    String[] all =
        Stream.concat(Arrays.stream(args), Stream.of("--state-dir", dir.toString()))
            .toArray(String[]::new);
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, all), err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().contains(expected), err.toString());
    assertTrue(err.toString().endsWith("See 'sandbox --help'.\n"), err.toString());
  }

  private int run(StringWriter err, String... args) {
    CommandLine cli = SandboxMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
