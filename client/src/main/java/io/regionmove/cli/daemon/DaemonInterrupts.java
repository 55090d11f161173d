package io.regionmove.cli.daemon;

import java.io.IOException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C, SIGTERM and hang-up go to the daemon, which runs the command's interrupt hooks (the "goes
 * on in the workflow" notice) and ends it with 128 + the signal, as the JVM would; if it does not
 * within {@link DaemonClient#SIGNAL_GRACE_MILLIS}, the client ends anyway.
 */
final class DaemonInterrupts implements SignalHandler {

  private final Frames frames;
  private boolean sent;

  DaemonInterrupts(Frames frames) {
    this.frames = frames;
  }

  void install() {
    Signal.handle(new Signal("INT"), this);
    Signal.handle(new Signal("TERM"), this);
    Signal.handle(new Signal("HUP"), this);
  }

  @Override
  public void handle(Signal signal) {
    synchronized (this) {
      if (sent) {
        return;
      }
      sent = true;
    }
    int code = 128 + signal.getNumber();
    Thread grace =
        new Thread("daemon-signal") {
          @Override
          public void run() {
            try {
              Thread.sleep(DaemonClient.SIGNAL_GRACE_MILLIS);
            } catch (InterruptedException e) {
              // halting now
            }
            Runtime.getRuntime().halt(code);
          }
        };
    grace.setDaemon(true);
    grace.start();
    try {
      frames.writeInt(Frames.SIGNAL, signal.getNumber());
    } catch (IOException e) {
      Runtime.getRuntime().halt(code);
    }
  }
}
