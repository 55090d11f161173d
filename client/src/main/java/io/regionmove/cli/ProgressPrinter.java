package io.regionmove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.client.PendingActivity;
import io.regionmove.model.Migration;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Prints the step lines of a migration as they appear and change. Plain output prints each step
 * once, when it has ended ({@code [done] Freeze source app my-app}, logs indented below); a
 * terminal also shows the running steps with a spinner.
 *
 * <p>Under a running step it shows the progress of its activity, read from the workflow's pending
 * activities: the last heartbeat of the data activities ({@code restoring: 412.5 MB, 2/3 tables})
 * and, when the activity is being retried, the attempt and why the last one failed. A terminal
 * updates that line in place with the spinner; plain output prints it (below a {@code [running]
 * <step>} line) only when it changed, and for each step at most every {@link #PLAIN_INTERVAL}, so
 * logs stay short.
 */
final class ProgressPrinter {

  static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);
  private static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  private static final int MAX_FAILURE = 160;

  /** Activity type to the start of the name of the step that runs it (AppMigrationWorkflowImpl). */
  private static final Map<String, String> STEP_OF_TYPE =
      Map.of(
          "BackupAddon", "Back up ",
          "RestoreAddon", "Restore ",
          "VerifyAddon", "Verify ",
          "DeleteBackup", "Delete backup",
          "StartReplication", "Copy ",
          "WatchReplication", "Replicate ",
          "VerifyBeforeCutover", "Check ",
          "CatchUp", "Catch up ");

  private final Console console;
  private final int firstStep;
  private final LongSupplier nanoTime;
  private final Map<Integer, StepStatus> printed = new HashMap<>();
  private final Map<Integer, String> plainShown = new HashMap<>();
  private final Map<Integer, Long> plainShownAt = new HashMap<>();
  private int plainHeader = -1;
  private int tick;
  private int blockLines;
  private boolean stopped;

  /** Shows the steps from index {@code firstStep} on (the ones this command causes). */
  ProgressPrinter(Console console, int firstStep) {
    this(console, firstStep, System::nanoTime);
  }

  ProgressPrinter(Console console, int firstStep, LongSupplier nanoTime) {
    this.console = console;
    this.firstStep = firstStep;
    this.nanoTime = nanoTime;
  }

  void update(Migration migration) {
    update(migration, List.of());
  }

  /** Shows the steps, and under the running ones the progress of {@code pending} activities. */
  synchronized void update(Migration migration, List<PendingActivity> pending) {
    if (stopped) {
      return;
    }
    List<Step> steps = migration.steps();
    List<Step> running = new ArrayList<>();
    for (int i = firstStep; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.status() == StepStatus.RUNNING) {
        running.add(step);
        continue;
      }
      if (printed.get(step.id()) != step.status()) {
        clearBlock();
        printEnded(step);
        printed.put(step.id(), step.status());
        plainShown.remove(step.id());
        plainShownAt.remove(step.id());
      }
    }
    Map<Step, PendingActivity> activities = match(running, pending);
    if (console.isTerminal()) {
      showBlock(running, activities);
    } else {
      printPlainProgress(running, activities);
    }
  }

  /** Removes the spinner lines, if any, before other output. */
  synchronized void finish() {
    clearBlock();
  }

  /** Removes the spinner lines and shows nothing more (the command is being interrupted). */
  synchronized void stop() {
    clearBlock();
    stopped = true;
  }

  /**
   * Pairs running steps with the pending activities that run them: a data activity with the running
   * step its type names, of the addon its progress names (before its first heartbeat, in scheduling
   * order when several addons move at once); the others in order when as many remain as running
   * steps.
   */
  static Map<Step, PendingActivity> match(List<Step> running, List<PendingActivity> pending) {
    Map<Step, PendingActivity> matched = new LinkedHashMap<>();
    List<Step> steps = new ArrayList<>(running);
    List<PendingActivity> others = new ArrayList<>();
    for (PendingActivity activity : pending) {
      String prefix = STEP_OF_TYPE.get(activity.type());
      Step step = null;
      if (prefix != null) {
        String addon = addonOf(activity.details());
        for (Step s : steps) {
          if (s.name().startsWith(prefix) && (addon == null || namesAddon(s.name(), addon))) {
            step = s;
            break;
          }
        }
      }
      if (step == null) {
        others.add(activity);
      } else {
        steps.remove(step);
        matched.put(step, activity);
      }
    }
    if (!others.isEmpty() && others.size() == steps.size()) {
      Iterator<PendingActivity> it = others.iterator();
      for (Step s : steps) {
        matched.put(s, it.next());
      }
    }
    return matched;
  }

  /** The source addon id the data activities put in their progress, or null. */
  private static String addonOf(JsonNode details) {
    if (details == null || !details.isObject() || !details.hasNonNull("addon")) {
      return null;
    }
    String addon = details.path("addon").asText();
    return addon.isBlank() ? null : addon;
  }

  /** Whether a step's name is about that addon ({@code … addon <id>} then the end or a space). */
  private static boolean namesAddon(String stepName, String addon) {
    String mark = " addon " + addon;
    int at = stepName.indexOf(mark);
    while (at >= 0) {
      int end = at + mark.length();
      if (end == stepName.length() || stepName.charAt(end) == ' ') {
        return true;
      }
      at = stepName.indexOf(mark, at + 1);
    }
    return false;
  }

  /**
   * The progress line of an activity, without indentation: {@code restoring: 412.5 MB, 2/3 tables
   * (attempt 2, last failure: ...)}; null when there is nothing to say yet.
   */
  static String describe(PendingActivity activity) {
    String progress = progressOf(activity.details());
    List<String> notes = new ArrayList<>();
    if (activity.attempt() > 1) {
      String attempt = "attempt " + activity.attempt();
      if (activity.maximumAttempts() > 0) {
        attempt += " of " + activity.maximumAttempts();
      }
      notes.add(activity.waiting() ? "waiting for " + attempt : attempt);
      if (activity.lastFailure() != null) {
        notes.add("last failure: " + oneLine(activity.lastFailure()));
      }
    }
    if (progress == null && notes.isEmpty()) {
      return null;
    }
    if (progress == null) {
      return String.join(", ", notes);
    }
    return notes.isEmpty() ? progress : progress + " (" + String.join(", ", notes) + ")";
  }

  /**
   * {@code stage: 412.5 MB, 2/3 tables} from the data activities' details; other details as JSON.
   */
  private static String progressOf(JsonNode details) {
    if (details == null || details.isNull() || details.isMissingNode()) {
      return null;
    }
    if (isLag(details)) {
      return lag(details);
    }
    if (details.isObject() && details.hasNonNull("stage")) {
      List<String> parts = new ArrayList<>();
      long bytes = details.path("bytes").asLong(0);
      if (bytes > 0) {
        parts.add(bytes(bytes));
      }
      // Workers before engines counted only tables, as tablesDone/tables.
      int total =
          details.has("total") ? details.path("total").asInt(0) : details.path("tables").asInt(0);
      int done =
          details.has("done") ? details.path("done").asInt(0) : details.path("tablesDone").asInt(0);
      String unit = details.path("unit").asText("tables");
      if (total > 0) {
        parts.add(done + "/" + total + " " + (total == 1 ? singular(unit) : unit));
      } else if (done > 0) {
        parts.add(done + " " + (done == 1 ? singular(unit) : unit));
      }
      String stage = details.path("stage").asText();
      return parts.isEmpty() ? stage : stage + ": " + String.join(", ", parts);
    }
    String text = details.isValueNode() ? details.asText() : details.toString();
    return text.isBlank() ? null : "progress: " + oneLine(text);
  }

  /** {@code tables} → {@code table}, {@code keys} → {@code key}. */
  private static String singular(String unit) {
    return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
  }

  /** Whether the details are a replicating addon's ({@code lagBytes}, live mode's lag watch). */
  static boolean isLag(JsonNode details) {
    return details != null && details.isObject() && details.has("lagBytes");
  }

  /** {@code lag 12.0 kB (0.1 s)}, then what stands in the way of a cutover. */
  private static String lag(JsonNode details) {
    long bytes = details.path("lagBytes").asLong(-1);
    double seconds = details.path("lagSeconds").asDouble(-1);
    String lag =
        bytes < 0
            ? "lag unknown"
            : "lag "
                + bytes(bytes)
                + (seconds < 0 ? "" : String.format(Locale.ROOT, " (%.1f s)", seconds));
    List<String> problems = new ArrayList<>();
    details.path("problems").forEach(p -> problems.add(p.asText()));
    return problems.isEmpty() ? lag : lag + "; " + String.join("; ", problems);
  }

  /** As the data activities write sizes in their step logs ({@code 469.5 kB}, {@code 412.5 MB}). */
  static String bytes(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
  }

  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
    return line.length() > MAX_FAILURE ? line.substring(0, MAX_FAILURE - 1) + "…" : line;
  }

  private void printPlainProgress(List<Step> running, Map<Step, PendingActivity> activities) {
    long now = nanoTime.getAsLong();
    for (Step step : running) {
      PendingActivity activity = activities.get(step);
      String line = activity == null ? null : describe(activity);
      if (line == null || line.equals(plainShown.get(step.id()))) {
        continue;
      }
      Long at = plainShownAt.get(step.id());
      if (at != null && now - at < PLAIN_INTERVAL.toNanos()) {
        continue;
      }
      if (plainHeader != step.id()) {
        console.println("  [running] " + step.name());
        plainHeader = step.id();
      }
      console.println("      " + line);
      plainShown.put(step.id(), line);
      plainShownAt.put(step.id(), now);
    }
  }

  /** The running steps with a spinner, each with its progress line, redrawn in place. */
  private void showBlock(List<Step> running, Map<Step, PendingActivity> activities) {
    clearBlock();
    if (running.isEmpty()) {
      return;
    }
    int width = width();
    String spinner = console.yellow(SPINNER[tick++ % SPINNER.length]);
    List<String> lines = new ArrayList<>();
    for (Step step : running) {
      lines.add("  " + spinner + " " + fit(step.name(), width - 4));
      PendingActivity activity = activities.get(step);
      String progress = activity == null ? null : describe(activity);
      if (progress != null) {
        lines.add("      " + console.dim(fit(progress, width - 6)));
      }
    }
    console.out().print(String.join("\n", lines));
    console.out().flush();
    blockLines = lines.size();
  }

  private void printEnded(Step step) {
    boolean done = step.status() == StepStatus.DONE;
    String mark;
    if (console.isTerminal()) {
      mark = done ? console.green("✔") : console.red("✖");
    } else {
      mark = "[" + step.status().wireName() + "]";
    }
    console.println("  " + mark + " " + step.name());
    for (String log : step.logs()) {
      console.println("      " + (console.isTerminal() ? console.dim(log) : log));
    }
    plainHeader = -1;
  }

  private void clearBlock() {
    if (blockLines > 0) {
      String up = blockLines > 1 ? "\u001b[" + (blockLines - 1) + "A" : "";
      console.out().print("\r" + up + "\u001b[J");
      console.out().flush();
      blockLines = 0;
    }
  }

  /**
   * Lines longer than the terminal would wrap, and the block could no longer be redrawn in place.
   */
  private int width() {
    try {
      String columns = console.columns();
      int width = columns == null ? 100 : Integer.parseInt(columns.trim());
      return Math.max(40, width - 1);
    } catch (NumberFormatException e) {
      return 99;
    }
  }

  private static String fit(String text, int width) {
    return text.codePointCount(0, text.length()) <= width
        ? text
        : text.substring(0, text.offsetByCodePoints(0, width - 1)) + "…";
  }
}
