package io.regionmove.cli.daemon;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * The {@code regionmove} executable's front for the short commands: it hands the command to a warm
 * CLI daemon ({@code io.regionmove.cli.CliDaemon}) of the same key ({@link DaemonKey}) and relays
 * its output, its questions, Ctrl-C and its exit code. When none answers within {@link
 * #ANSWER_MILLIS}, it runs the command without one, exactly as before (through the launcher with
 * {@code REGIONMOVE_DAEMON=off} when the launcher started it, else {@code java -jar
 * regionmove.jar}), then, if there was none at all, starts one in the background for the next
 * command.
 *
 * <p>It loads as few classes as it can (JDK only; no lambdas and no string concatenation by {@code
 * +}, which bootstrap {@code invokedynamic}): this JVM's start-up is most of what a command costs
 * once the daemon is warm.
 */
public final class DaemonClient {

  /** How long a daemon has to accept and answer before the command runs without it. */
  static final long ANSWER_MILLIS = 200;

  /** How long the daemon has to end a command after Ctrl-C before the client ends anyway. */
  static final long SIGNAL_GRACE_MILLIS = 5000;

  /** Exit code when the daemon went away during a command. */
  static final int FAILED = 1;

  /** The commands a daemon runs: the short ones that read or drive migrations, and help. */
  private static final String[] SERVED = {
    "",
    "migrations",
    "migration-follow",
    "migration-create",
    "migration-run",
    "migration-abort",
    "migration-rollback",
    "migration-history",
    "migration-batch",
    "migration-batch-abort",
    "generate-completion"
  };

  /** Those that change nothing: run again without the daemon if it went away before any output. */
  private static final String[] READ_ONLY = {
    "", "migrations", "migration-follow", "migration-history", "generate-completion"
  };

  private static final int NOT_SERVED = -1;

  /** The key of the daemon to start once this command ran without one; null for none. */
  private static DaemonKey start;

  /** Standard input without a buffer: the client reads only what the command asks for. */
  private static final FileInputStream STDIN = new FileInputStream(FileDescriptor.in);

  private DaemonClient() {}

  /** REGIONMOVE_DAEMON_TRACE: when each step of the client happened, on stderr (a profile). */
  private static final boolean TRACE = System.getenv("REGIONMOVE_DAEMON_TRACE") != null;

  public static void main(String[] args) {
    trace("main");
    int code = NOT_SERVED;
    String command = servedCommand(args, System.getenv());
    if (command != null) {
      code = viaDaemon(command, args);
    }
    if (code == NOT_SERVED) {
      trace("no daemon");
      code = withoutDaemon(args);
      if (start != null) {
        // after the command, not beside it: a daemon warming up would take its CPU
        startDaemon(start);
      }
    }
    trace("exit");
    System.exit(code);
  }

  /**
   * The subcommand a daemon would run for {@code args} ("" for none: help, version, a usage error),
   * or null when this command runs in its own JVM: the long-running commands, {@code
   * REGIONMOVE_DAEMON=off}, JVM options of its own ({@code REGIONMOVE_JAVA_OPTS}), or {@code
   * --verbose} (the logs it shows on stderr are the JVM's).
   */
  public static String servedCommand(String[] args, Map<String, String> env) {
    if ("off".equals(env.get("REGIONMOVE_DAEMON"))) {
      return null;
    }
    String options = env.get("REGIONMOVE_JAVA_OPTS");
    if (options != null && !options.isBlank()) {
      return null;
    }
    String subcommand = "";
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-v") || arg.equals("--verbose")) {
        return null;
      }
      if (!subcommand.isEmpty()) {
        continue;
      }
      if (arg.equals("--region") || arg.equals("--app")) {
        i++;
      } else if (!arg.startsWith("-")) {
        subcommand = arg;
      }
    }
    for (String served : SERVED) {
      if (served.equals(subcommand)) {
        return subcommand;
      }
    }
    return null;
  }

  private static int viaDaemon(String command, String[] args) {
    DaemonKey key = DaemonKey.current();
    if (key == null || !key.socketPathFits()) {
      trace(key == null ? "no regionmove.jar" : "the socket's path is too long");
      return NOT_SERVED;
    }
    if (!Files.isDirectory(key.directory())) {
      start = key;
      return NOT_SERVED;
    }
    if (!key.directoryIsPrivate()) {
      trace("the daemons' directory is not private");
      return NOT_SERVED;
    }
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      return NOT_SERVED;
    }
    Frames frames = new Frames(channel);
    trace("socket channel open");
    Watchdog watchdog = new Watchdog(channel);
    watchdog.start();
    try {
      channel.connect(UnixDomainSocketAddress.of(key.socket()));
      trace("connected");
    } catch (IOException e) {
      // no socket, or a socket nobody listens on any more (a daemon that ended or crashed)
      trace(e.toString());
      boolean timedOut = !watchdog.cancel();
      close(channel);
      if (!timedOut) {
        start = key;
      }
      return NOT_SERVED;
    }
    try {
      frames.write(Frames.HELLO, key.text().getBytes(StandardCharsets.UTF_8));
      frames.read();
      if (!watchdog.cancel() || frames.type() != Frames.READY) {
        close(channel);
        return NOT_SERVED;
      }
    } catch (IOException e) {
      watchdog.cancel();
      close(channel);
      return NOT_SERVED;
    }
    trace("ready");
    return run(frames, command, args);
  }

  /** Sends the command and relays until the daemon says how it ended. */
  private static int run(Frames frames, String command, String[] args) {
    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    FileOutputStream err = new FileOutputStream(FileDescriptor.err);
    boolean received = false;
    try {
      Request request = new Request(args, System.console() != null, System.getenv("COLUMNS"));
      frames.write(Frames.REQUEST, request.encode());
      DaemonInterrupts interrupts = new DaemonInterrupts(frames);
      interrupts.install();
      while (true) {
        frames.read();
        if (!received) {
          trace("first frame");
        }
        received = true;
        byte type = frames.type();
        if (type == Frames.STDOUT) {
          write(out, frames.payload());
        } else if (type == Frames.STDERR) {
          write(err, frames.payload());
        } else if (type == Frames.READ) {
          new StdinReader(frames).start();
        } else if (type == Frames.EXIT) {
          close(frames.channel());
          return frames.payloadInt();
        }
      }
    } catch (IOException e) {
      close(frames.channel());
      if (!received && isReadOnly(command)) {
        return NOT_SERVED;
      }
      write(
          err,
          new StringBuilder("The regionmove daemon stopped during the command (")
              .append(e.getMessage())
              .append("), so its outcome is unknown; check it with `regionmove migrations`")
              .append(" before running it again, or set REGIONMOVE_DAEMON=off to run commands")
              .append(" without the daemon.\n")
              .toString()
              .getBytes(StandardCharsets.UTF_8));
      return FAILED;
    }
  }

  private static boolean isReadOnly(String command) {
    for (String c : READ_ONLY) {
      if (c.equals(command)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a daemon for {@code key} in the background, in a session of its own (Ctrl-C and the
   * terminal's hang-up never reach it), unless one is starting or running (it holds its pid file's
   * lock) or one failed to start in the last seconds (its log is still there).
   */
  static void startDaemon(DaemonKey key) {
    try {
      Path directory = key.directory();
      if (Files.exists(directory) && !key.directoryIsPrivate()) {
        trace("not private");
        return;
      }
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try (FileChannel pid =
              FileChannel.open(key.pidFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = pid.tryLock()) {
        if (lock == null) {
          trace("locked");
          return;
        }
      }
      File log = key.logFile().toFile();
      if (log.exists() && System.currentTimeMillis() - log.lastModified() < 10_000) {
        trace("recent log");
        return;
      }
      List<String> command = new ArrayList<>();
      for (String setsid : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
        if (new File(setsid).canExecute()) {
          command.add(setsid);
          break;
        }
      }
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // a long-lived JVM: both compilers, a small collector
      command.add("-XX:+UseSerialGC");
      command.add("-Xshare:auto");
      command.add("-cp");
      command.add(DaemonKey.jar());
      command.add("io.regionmove.cli.CliDaemon");
      new ProcessBuilder(command)
          .directory(new File(System.getProperty("user.dir")))
          .redirectInput(new File("/dev/null"))
          .redirectOutput(log)
          .redirectErrorStream(true)
          .start();
      trace("daemon started");
    } catch (IOException | RuntimeException e) {
      // no daemon this time: the command runs without it
      trace(e.toString());
    }
  }

  /**
   * Runs the command in a JVM of its own, as without the daemon: the launcher again (with its JVM
   * flags and class-data archive) when it started this client, else {@code java -jar
   * regionmove.jar}. This JVM has only the client's classes: regionmove.jar is not on its class
   * path (opening it, and the service look-ups that scan it, would cost every command).
   */
  private static int withoutDaemon(String[] args) {
    List<String> command = new ArrayList<>();
    String launcher = System.getenv("REGIONMOVE_LAUNCHER");
    if (launcher != null && new File(launcher).canExecute()) {
      command.add(launcher);
    } else if (DaemonKey.jar() != null) {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-jar");
      command.add(DaemonKey.jar());
    } else {
      write(
          new FileOutputStream(FileDescriptor.err),
          "regionmove: no regionmove.jar to run the command with (-Dregionmove.jar=...).\n"
              .getBytes(StandardCharsets.UTF_8));
      return FAILED;
    }
    for (String arg : args) {
      command.add(arg);
    }
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put("REGIONMOVE_DAEMON", "off");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      write(
          new FileOutputStream(FileDescriptor.err),
          new StringBuilder("regionmove cannot start ")
              .append(command.get(0))
              .append(": ")
              .append(e.getMessage())
              .append('\n')
              .toString()
              .getBytes(StandardCharsets.UTF_8));
      return FAILED;
    }
    // Ctrl-C reaches the command's JVM itself (same process group): this one waits for its end
    ChildSignals forward = new ChildSignals(process);
    Signal.handle(new Signal("INT"), forward);
    Signal.handle(new Signal("TERM"), forward);
    Signal.handle(new Signal("HUP"), forward);
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        // keep waiting: the command decides when it ends
      }
    }
  }

  private static void trace(String step) {
    if (TRACE) {
      long started = ProcessHandle.current().info().startInstant().get().toEpochMilli();
      System.err.println(
          new StringBuilder("regionmove-daemon-client: ")
              .append(System.currentTimeMillis() - started)
              .append(" ms ")
              .append(step)
              .toString());
    }
  }

  private static void write(FileOutputStream stream, byte[] bytes) {
    try {
      stream.write(bytes);
    } catch (IOException e) {
      // a closed stdout (`| head`): the command goes on, as System.out would
    }
  }

  private static void close(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing
    }
  }

  /** Closes the connection if the daemon has not answered in time. */
  private static final class Watchdog extends Thread {

    private final SocketChannel channel;
    private boolean cancelled;
    private boolean fired;

    Watchdog(SocketChannel channel) {
      super("daemon-answer");
      setDaemon(true);
      this.channel = channel;
    }

    @Override
    public void run() {
      try {
        Thread.sleep(ANSWER_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (cancelled) {
          return;
        }
        fired = true;
      }
      close(channel);
    }

    /** Stops the watch; false when it already closed the connection. */
    synchronized boolean cancel() {
      cancelled = true;
      interrupt();
      return !fired;
    }
  }

  /** Reads what the person types (one read: a line on a terminal) when the command asks. */
  private static final class StdinReader extends Thread {

    private final Frames frames;

    StdinReader(Frames frames) {
      super("daemon-stdin");
      setDaemon(true);
      this.frames = frames;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      int n;
      try {
        n = STDIN.read(buffer);
      } catch (IOException e) {
        n = -1;
      }
      try {
        frames.write(Frames.STDIN, buffer, 0, Math.max(n, 0));
      } catch (IOException e) {
        // the connection is gone: the main loop says so
      }
    }
  }
}
