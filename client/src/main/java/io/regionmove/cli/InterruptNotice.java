package io.regionmove.cli;

/**
 * While a command waits for a step, Ctrl-C (or SIGTERM) ends only the command: the step goes on in
 * the workflow. This shutdown hook stops the live view and says so on stderr, with the command that
 * picks the view up again. Closing it (the wait is over) removes the hook.
 */
final class InterruptNotice implements AutoCloseable {

  private final Thread hook;

  InterruptNotice(Console console, ProgressPrinter progress, String what, String follow) {
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
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook says what it has to
    }
  }
}
