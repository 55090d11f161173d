package io.regionmove.cli.daemon;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** While the command runs in a child JVM: SIGTERM and hang-up end it; Ctrl-C is its own. */
final class ChildSignals implements SignalHandler {

  private final Process process;

  ChildSignals(Process process) {
    this.process = process;
  }

  @Override
  public void handle(Signal signal) {
    if (!signal.getName().equals("INT")) {
      process.destroy();
    }
  }
}
