package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal: a tmux server of its own (its socket in the test's directory) with one shell,
 * typed into with {@code send-keys} and read with {@code capture-pane} ({@code -e} keeps the colour
 * escape sequences).
 */
final class Tmux implements AutoCloseable {

  private static final String SESSION = "regionmove";

  private final Path socket;

  /** A {@code bash} in a 160×50 terminal, with {@code env} set and no colour veto. */
  Tmux(Path directory, Map<String, String> env) {
    this.socket = directory.resolve("tmux.sock");
    List<String> command =
        new ArrayList<>(
            List.of("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "50", "-e", "PS1=$ "));
    env.forEach((name, value) -> command.addAll(List.of("-e", name + "=" + value)));
    command.addAll(List.of("bash", "--noprofile", "--norc"));
    tmux(command);
    tmux(List.of("set-option", "-t", SESSION, "history-limit", "5000"));
  }

  /** Types {@code line} and Enter. */
  void type(String line) {
    tmux(List.of("send-keys", "-t", SESSION, "-l", line));
    tmux(List.of("send-keys", "-t", SESSION, "Enter"));
  }

  /** Presses keys by tmux name ({@code C-c}, {@code Enter}). */
  void press(String... keys) {
    List<String> command = new ArrayList<>(List.of("send-keys", "-t", SESSION));
    command.addAll(List.of(keys));
    tmux(command);
  }

  /** The screen and its scrollback, with escape sequences. */
  String screen() {
    return tmux(List.of("capture-pane", "-t", SESSION, "-p", "-e", "-J", "-S", "-5000"));
  }

  /**
   * Runs {@code command} in the shell after an echoed {@code mark}, then echoes its exit code as
   * {@code exit=N}; {@link #after} cuts the screen at the mark.
   */
  void run(String mark, List<String> command) {
    StringBuilder line = new StringBuilder("echo " + mark + ";");
    for (String word : command) {
      line.append(" '").append(word.replace("'", "'\\''")).append('\'');
    }
    type(line.append("; echo \"exit=$?\"").toString());
  }

  /** What the terminal shows after the line {@code mark} that {@link #run} echoed. */
  static String after(String mark, String screen) {
    int at = screen.indexOf("\n" + mark + "\n");
    return at < 0 ? "" : screen.substring(at + mark.length() + 2);
  }

  /** Polls the screen every 100 ms until {@code test} holds; fails with the screen after that. */
  String await(String what, Duration timeout, Predicate<String> test) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String screen = screen();
    while (!test.test(screen)) {
      if (System.nanoTime() > deadline) {
        fail("the terminal did not show " + what + " within " + timeout + ":\n" + screen);
      }
      sleep(100);
      screen = screen();
    }
    return screen;
  }

  /**
   * Removes the escape sequences and the trailing blanks that {@code -J} keeps: the text a person
   * reads.
   */
  static String plain(String screen) {
    return screen.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replaceAll("(?m)[ \t]+$", "");
  }

  @Override
  public void close() {
    tmux(List.of("kill-server"));
  }

  private String tmux(List<String> args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("tmux " + String.join(" ", args) + " did not end");
      }
      if (process.exitValue() != 0 && !args.get(0).equals("kill-server")) {
        fail("tmux " + String.join(" ", args) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError("cannot run tmux (apt-get install tmux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
