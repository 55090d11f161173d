package io.regionmove.cli;

/**
 * While a command waits for a step, Ctrl-C (or SIGTERM) ends only the command: the step goes on in
 * the workflow. This hook (a shutdown hook, or the daemon's for the request) stops the live view
 * and says so on stderr, with the command that picks the view up again. Closing it (the wait is
 * over) removes the hook.
 */
final class InterruptNotice implements AutoCloseable {

  private final Interrupts interrupts;
  private final Thread hook;

  InterruptNotice(Console console, ProgressPrinter progress, String what, String follow) {
    interrupts = console.interrupts();
    hook =
        new Thread(
            () -> {
              progress.stop();
              console.out().flush();
              console.err().println();
              console.error(
                  "Interrupted: " + what + " goes on in the workflow; nothing was stopped.");
              console.err().println("Follow it with:");
              console.err().println("  " + follow);
              console.err().flush();
            },
            "interrupt-notice");
    interrupts.add(hook);
  }

  @Override
  public void close() {
    interrupts.remove(hook);
  }
}
