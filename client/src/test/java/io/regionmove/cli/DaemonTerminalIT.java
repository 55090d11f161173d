package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.regionmove.testkit.TestDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link TerminalIT} through {@code ./regionmove} and its CLI daemon: the prompt answered with
 * keys, the colours and the spinner, Ctrl-C with its notice and exit code 130, "n" and exit code 1
 * are the same when a warm daemon runs the commands for the terminal's client. Every command of the
 * test was run by the daemon, not by the fallback (the client's trace says so).
 */
class DaemonTerminalIT extends TerminalIT {

  private static final Duration WARM = Duration.ofMinutes(3);

  private final List<String> marks = new ArrayList<>();
  private Path runtime;

  @Override
  Map<String, String> terminalEnv() {
    runtime = DaemonIT.runtimeDirectory();
    return Map.of("XDG_RUNTIME_DIR", runtime.toString(), "REGIONMOVE_DAEMON_TRACE", "1");
  }

  @Override
  List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(List.of(DaemonIT.launcher().toString()));
    command.addAll(args);
    return command;
  }

  /** The first command finds no daemon and starts one once it ran; the next ones are served. */
  @BeforeAll
  void warmTheDaemon() throws InterruptedException {
    long deadline = System.nanoTime() + WARM.toNanos();
    while (true) {
      String mark = super.run("migrations");
      String out = Tmux.after(mark, terminal.await("migrations", WARM, s -> exited(mark, s)));
      if (out.contains(DaemonIT.SERVED)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("no daemon served the terminal within " + WARM + ":\n" + out);
      }
      Thread.sleep(1000);
    }
  }

  @Override
  String run(String... args) {
    String mark = super.run(args);
    marks.add(mark);
    return mark;
  }

  @AfterEach
  void everyCommandRanInTheDaemon() {
    String screen = terminal.screen();
    for (String mark : marks) {
      String out = Tmux.after(mark, screen);
      int next = out.indexOf("\n==");
      String own = next < 0 ? out : out.substring(0, next);
      assertTrue(own.contains(DaemonIT.SERVED), "not run by the daemon: " + mark + "\n" + own);
    }
    assertTrue(!marks.isEmpty(), "the test ran commands");
  }

  @AfterAll
  void stopTheDaemons() {
    if (runtime != null) {
      DaemonIT.stopDaemons(runtime.resolve("regionmove"));
      TestDirectory.delete(runtime);
    }
  }
}
