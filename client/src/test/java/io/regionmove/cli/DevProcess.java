package io.regionmove.cli;

import io.regionmove.activities.config.Regions;
import io.regionmove.testkit.TestDirectory;
import io.regionmove.worker.dev.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code regionmove dev} in its own process for one test class, as a person runs it, on free ports
 * with its home in {@code target/<TestClass>-…}: a JUnit extension, started before the class's
 * {@code @BeforeAll} methods and stopped (as Ctrl-C stops it) after its {@code @AfterAll} ones. The
 * home is deleted when {@code dev} stopped cleanly.
 */
final class DevProcess implements BeforeAllCallback, AfterAllCallback {

  private final List<String> options;
  private final StringBuilder output = new StringBuilder();
  private Path home;
  private int temporalPort;
  private int uiPort;
  private Process process;

  /** {@code regionmove dev} with {@code options} on top of its home and ports. */
  DevProcess(String... options) {
    this.options = List.of(options);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    home = TestDirectory.create(context.getRequiredTestClass().getSimpleName());
    temporalPort = FreePorts.find();
    uiPort = FreePorts.find();
    List<String> args =
        new ArrayList<>(
            List.of(
                "dev",
                "--home",
                home.toString(),
                "--temporal-port",
                Integer.toString(temporalPort),
                "--ui-port",
                Integer.toString(uiPort),
                "--api-port-base",
                "0"));
    args.addAll(options);
    process =
        CliProcess.startAndAwait(
            CliProcess.env("REGIONMOVE_HOME", home),
            args,
            "regionmove dev is ready",
            Duration.ofMinutes(3),
            output);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process == null) {
      return;
    }
    process.destroy();
    if (process.waitFor(60, TimeUnit.SECONDS)) {
      TestDirectory.delete(home);
    } else {
      process.destroyForcibly();
    }
  }

  /** The environment that points a command at this stack: regions file, Temporal, home. */
  Map<String, String> env() {
    return CliProcess.env(
        "REGIONMOVE_REGIONS",
        home.resolve("regions.json"),
        "TEMPORAL_ADDRESS",
        temporalAddress(),
        "REGIONMOVE_HOME",
        home);
  }

  /** The regions file {@code dev} wrote. */
  Regions regions() {
    return Regions.load(home.resolve("regions.json"));
  }

  /** What {@code dev} has printed so far. */
  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  Path home() {
    return home;
  }

  String temporalAddress() {
    return "127.0.0.1:" + temporalPort;
  }

  int uiPort() {
    return uiPort;
  }
}
