package io.regionmove.cli;

import io.regionmove.model.Migration;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the step lines of a migration as they appear and change. Plain output prints each step
 * once, when it has ended ({@code   [done] Freeze source app my-app}, logs indented below); a
 * terminal also shows the running step with a spinner.
 */
final class ProgressPrinter {

  private static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

  private final Console console;
  private final int firstStep;
  private final Map<Integer, StepStatus> printed = new HashMap<>();
  private int tick;
  private boolean spinnerShown;

  /** Shows the steps from index {@code firstStep} on (the ones this command causes). */
  ProgressPrinter(Console console, int firstStep) {
    this.console = console;
    this.firstStep = firstStep;
  }

  void update(Migration migration) {
    List<Step> steps = migration.steps();
    Step running = null;
    for (int i = firstStep; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.status() == StepStatus.RUNNING) {
        running = step;
        continue;
      }
      if (printed.get(step.id()) != step.status()) {
        clearSpinner();
        printEnded(step);
        printed.put(step.id(), step.status());
      }
    }
    if (console.isTerminal() && running != null) {
      console.out().print("\r\u001b[K  " + console.yellow(SPINNER[tick++ % SPINNER.length]) + " " + running.name());
      console.out().flush();
      spinnerShown = true;
    }
  }

  /** Removes the spinner line, if any, before other output. */
  void finish() {
    clearSpinner();
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
  }

  private void clearSpinner() {
    if (spinnerShown) {
      console.out().print("\r\u001b[K");
      console.out().flush();
      spinnerShown = false;
    }
  }
}
