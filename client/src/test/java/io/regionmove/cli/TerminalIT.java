package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.testkit.TestDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commands on a real terminal (tmux) as a person runs them: the confirmation prompt answered
 * with keys, the spinner and colours while a step runs, the final lines; Ctrl-C during a wait
 * leaves the migration running and says how to follow it, and {@code migration-follow} picks the
 * live view up where the step is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalIT {

  // tmux re-encodes the escape sequences it shows: the colour opens as printed, resets differ
  private static final String GREEN_TICK = "\u001b[32m✔";
  private static final Pattern SPINNER = Pattern.compile("\u001b\\[33m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]");
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final Duration STEP = Duration.ofMinutes(4);

  @RegisterExtension static final DevProcess dev = new DevProcess();

  Path directory;
  Tmux terminal;
  private int marks;

  @BeforeAll
  void openTheTerminal() {
    directory = TestDirectory.create(getClass().getSimpleName() + "-tmux");
    Map<String, String> env = new HashMap<>(dev.env());
    env.put("REGIONMOVE_REGION", "agora-fr1");
    env.put("REGIONMOVE_APP", "my-app");
    env.putAll(terminalEnv());
    terminal = new Tmux(directory, env);
  }

  /** More variables for the terminal's shell. */
  Map<String, String> terminalEnv() {
    return Map.of();
  }

  /** How the terminal runs regionmove with {@code args}: {@code java -jar regionmove.jar}. */
  List<String> command(List<String> args) {
    return CliProcess.command(args);
  }

  @AfterAll
  void closeTheTerminal() {
    if (terminal != null) {
      terminal.close();
    }
    TestDirectory.delete(directory);
  }

  @Test
  void stepsAskAreShownLiveAndCtrlCLeavesTheMigrationToFollow() {
    CliProcess.Result created =
        CliProcess.run(
            dev.env(),
            List.of(
                "--region", "agora-fr1", "--app", "my-app", "migration-create", "--to", "osc-fr1"));
    assertEquals(0, created.exitCode(), created.toString());
    Matcher m = ID.matcher(created.stdout());
    assertTrue(m.find(), created.stdout());
    String id = m.group(1);

    // prepare: the operations and the prompt, "y", the spinner, green ticks, the next commands
    String mark = run("migration-run", "--prepare", id);
    terminal.await("the prompt", STEP, s -> Tmux.after(mark, s).contains("Continue? [y/N]"));
    String asked = Tmux.plain(Tmux.after(mark, terminal.screen()));
    assertTrue(asked.contains("This will run the prepare step of migration " + id), asked);
    assertTrue(asked.contains("  - freeze the source app"), asked);
    // the destination fails its calls until the spinner was seen: a step that is quicker than a
    // poll would never show one
    RegionApi destination = new RegionApi(dev.regions().get("osc-fr1"));
    destination.faults(1.0);
    terminal.type("y");
    terminal.await("the spinner", STEP, s -> SPINNER.matcher(Tmux.after(mark, s)).find());
    destination.faults(0.0);
    String prepared = terminal.await("the end of prepare", STEP, s -> exited(mark, s));
    String out = Tmux.after(mark, prepared);
    assertGreenTick(out, "Freeze source app my-app");
    assertGreenTick(out, "Copy notifiers");
    String text = Tmux.plain(out);
    assertTrue(
        text.contains(
            "Application on region 'osc-fr1' has been prepared, you can now:\n"
                + "- Let us migrate your data to 'osc-fr1' newly created databases with:\n"
                + "  regionmove --region agora-fr1 --app my-app migration-run --data "
                + id
                + "\n- Handle data migration manually, then finalizing the migration with:\n"
                + "  regionmove --region agora-fr1 --app my-app migration-run --finalize "
                + id),
        text);
    assertTrue(text.contains("exit=0"), text);
    assertFalse(SPINNER.matcher(lastLines(out, 8)).find(), "no spinner left behind:\n" + out);

    // data, interrupted with Ctrl-C while it runs: the step goes on and the command says how to
    // follow it. The destination region fails every call for a while, so the step is still
    // running (retrying) when migration-follow starts.
    destination.faults(1.0);
    String data = run("--yes", "migration-run", "--data", id);
    terminal.await(
        "the data step running",
        STEP,
        s -> Tmux.plain(Tmux.after(data, s)).contains("Stop source app my-app"));
    terminal.press("C-c");
    String interrupted =
        Tmux.plain(
            Tmux.after(
                data, terminal.await("the interrupted command", STEP, s -> exited(data, s))));
    assertTrue(
        interrupted.contains(
            "Interrupted: the data step goes on in the workflow; nothing was stopped.\n"
                + "Follow it with:\n"
                + "  regionmove --region agora-fr1 --app my-app migration-follow "
                + id),
        interrupted);
    assertTrue(interrupted.contains("exit=130"), interrupted);
    assertFalse(interrupted.contains("Data has been migrated"), interrupted);

    // migration-follow picks the live view up: the step lines so far, the running step with its
    // spinner and its retries, then, once the region answers again, the outcome
    String follow = run("migration-follow", id);
    String following =
        terminal.await(
            "the running step followed", STEP, s -> SPINNER.matcher(Tmux.after(follow, s)).find());
    String followingText = Tmux.plain(Tmux.after(follow, following));
    assertTrue(followingText.contains("Status: running"), followingText);
    assertGreenTick(Tmux.after(follow, following), "Stop source app my-app");
    terminal.await(
        "the retries of the running step",
        STEP,
        s -> Tmux.plain(Tmux.after(follow, s)).contains("last failure: "));
    destination.faults(0.0);
    String followed =
        Tmux.after(follow, terminal.await("the end of data", STEP, s -> exited(follow, s)));
    String followedText = Tmux.plain(followed);
    assertTrue(
        followedText.contains("Data has been migrated to the 'osc-fr1' region"), followedText);
    assertTrue(followedText.contains("exit=0"), followedText);

    // abort: "n" changes nothing, "y" aborts with the retry command
    String refused = run("migration-abort", id);
    terminal.await("the abort prompt", STEP, s -> Tmux.after(refused, s).contains("[y/N]"));
    terminal.type("n");
    String kept =
        Tmux.plain(Tmux.after(refused, terminal.await("no", STEP, s -> exited(refused, s))));
    assertTrue(kept.contains("Cancelled; nothing was done."), kept);
    assertTrue(kept.contains("exit=1"), kept);

    String abort = run("migration-abort", id);
    terminal.await("the abort prompt", STEP, s -> Tmux.after(abort, s).contains("[y/N]"));
    assertTrue(
        Tmux.plain(Tmux.after(abort, terminal.screen()))
            .contains("This will abort migration " + id),
        terminal.screen());
    terminal.type("y");
    String aborted = Tmux.after(abort, terminal.await("the abort", STEP, s -> exited(abort, s)));
    assertTrue(aborted.contains(GREEN_TICK), aborted);
    String abortedText = Tmux.plain(aborted);
    assertTrue(abortedText.contains("The migration '" + id + "' has been aborted\n"), abortedText);
    assertTrue(
        abortedText.contains(
            "You can retry it with:\n"
                + "  regionmove --region agora-fr1 --app my-app migration-create --to osc-fr1"),
        abortedText);
    assertTrue(abortedText.contains("exit=0"), abortedText);
  }

  /** Runs a regionmove command in the terminal; the mark its output follows. */
  String run(String... args) {
    String mark = "==" + (++marks) + "==";
    List<String> command = new ArrayList<>(command(List.of(args)));
    terminal.run(mark, command);
    return mark;
  }

  /** The step's line has a green tick before its name. */
  private static void assertGreenTick(String screen, String step) {
    String line =
        screen
            .lines()
            .filter(l -> Tmux.plain(l).equals("  ✔ " + step))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no line '✔ " + step + "' in:\n" + screen));
    assertTrue(line.contains(GREEN_TICK), "a green tick: " + line);
  }

  static boolean exited(String mark, String screen) {
    return Pattern.compile("(?m)^exit=\\d+").matcher(Tmux.plain(Tmux.after(mark, screen))).find();
  }

  private static String lastLines(String text, int count) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
