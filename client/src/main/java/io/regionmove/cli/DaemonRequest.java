package io.regionmove.cli;

import io.regionmove.cli.daemon.Frames;
import io.regionmove.cli.daemon.Request;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * One client's command in the CLI daemon ({@link CliDaemon}), on its own thread: the handshake,
 * then the command through {@link RegionmoveCli} with the client's streams, terminal, typed lines
 * and width ({@link Console}); Ctrl-C from the client runs the command's interrupt hooks and ends
 * it with 128 + the signal, as the JVM ends a command it runs alone.
 */
final class DaemonRequest implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(DaemonRequest.class);

  /** The buffer of the JVM's own System.out and System.err: output is framed as it is written. */
  private static final int STREAM_BUFFER = 128;

  private final CliDaemon daemon;
  private final SocketChannel channel;
  private final Frames frames;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Hooks hooks = new Hooks();
  private FrameStream stdout;
  private FrameStream stderr;
  private PrintStream out;
  private PrintStream err;
  private Keyboard keyboard;
  private Thread command;

  DaemonRequest(CliDaemon daemon, SocketChannel channel) {
    this.daemon = daemon;
    this.channel = channel;
    this.frames = new Frames(channel);
  }

  @Override
  public void run() {
    try (channel) {
      if (!fromThisUser()) {
        return;
      }
      frames.read();
      if (frames.type() != Frames.HELLO) {
        return;
      }
      String key = new String(frames.payload(), StandardCharsets.UTF_8);
      String stale = daemon.stale();
      if (!key.equals(daemon.key().text()) || stale != null) {
        frames.write(Frames.REFUSED, new byte[0]);
        return;
      }
      frames.write(Frames.READY, new byte[0]);
      frames.read();
      if (frames.type() != Frames.REQUEST) {
        return;
      }
      execute(Request.decode(frames.payload()));
    } catch (IOException e) {
      log.debug("A CLI daemon connection ended early", e);
    }
  }

  /**
   * Whether the peer runs as this daemon's user. The directory of the socket is private already;
   * this holds even if its permissions were changed.
   */
  private boolean fromThisUser() {
    try {
      UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().getName().equals(System.getProperty("user.name"))) {
        log.warn("The CLI daemon refused a connection from user {}", peer.user().getName());
        return false;
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }

  private void execute(Request request) {
    Charset charset = Charset.defaultCharset();
    stdout = new FrameStream(frames, Frames.STDOUT);
    stderr = new FrameStream(frames, Frames.STDERR);
    out = new PrintStream(new BufferedOutputStream(stdout, STREAM_BUFFER), true, charset);
    err = new PrintStream(new BufferedOutputStream(stderr, STREAM_BUFFER), true, charset);
    keyboard = request.terminal() ? new Keyboard(frames, charset) : null;
    Console console = new Console(out, err, request.terminal(), keyboard, hooks, request.columns());
    command = Thread.currentThread();
    Thread client = new Thread(this::readClient, command.getName() + "-client");
    client.setDaemon(true);
    client.start();

    String[] args = request.args();
    int code;
    try {
      RegionmoveCli root = new RegionmoveCli(console, daemon.temporal(), true);
      CommandLine cli = RegionmoveCli.commandLine(root, args);
      cli.setOut(new PrintWriter(new OutputStreamWriter(out, charset), true));
      cli.setErr(new PrintWriter(new OutputStreamWriter(err, charset), true));
      if (request.terminal()) {
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansiOnATerminal()));
      }
      code = cli.execute(args);
      cli.getOut().flush();
      cli.getErr().flush();
    } catch (RuntimeException e) {
      code = RegionmoveCli.handle(console, e);
    }
    end(code);
  }

  /** Reads what the client sends while the command runs: typed lines, signals, its going away. */
  private void readClient() {
    try {
      while (true) {
        frames.read();
        if (frames.type() == Frames.STDIN && keyboard != null) {
          keyboard.typed(frames.payload());
        } else if (frames.type() == Frames.SIGNAL) {
          interrupted(frames.payloadInt());
        }
      }
    } catch (IOException e) {
      // the command ended (its connection closed) or the client went away: nobody reads any more
      if (ended.compareAndSet(false, true)) {
        stdout.close();
        stderr.close();
        command.interrupt();
      }
      if (keyboard != null) {
        keyboard.typed(new byte[0]);
      }
    }
  }

  /**
   * Ctrl-C (or SIGTERM, hang-up) in the client: what the JVM does for a command it runs alone, its
   * shutdown hooks (the "goes on in the workflow" notice) and the exit code 128 + the signal; the
   * command's thread is interrupted and whatever it prints after is dropped.
   */
  private void interrupted(int signal) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    hooks.runAll();
    out.flush();
    err.flush();
    stdout.close();
    stderr.close();
    try {
      frames.writeInt(Frames.EXIT, 128 + signal);
    } catch (IOException e) {
      // the client is gone already
    }
    command.interrupt();
  }

  private void end(int code) {
    out.flush();
    err.flush();
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    stdout.close();
    stderr.close();
    boolean interrupted = Thread.interrupted();
    try {
      frames.writeInt(Frames.EXIT, code);
    } catch (IOException e) {
      log.debug("The client went away before the end of its command", e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * What picocli's {@code Ansi.AUTO} decides for a process whose stdin and stdout are a terminal
   * (picocli 4.7 off Windows): colours unless NO_COLOR, CLICOLOR=0 or ConEmuANSI=OFF says no,
   * CLICOLOR_FORCE always, and the {@code picocli.ansi} property first. The daemon has no terminal
   * of its own, so its AUTO would say no to every client that has one; without a terminal, AUTO
   * decides as in the client's JVM (the same environment).
   */
  static Ansi ansiOnATerminal() {
    String property = System.getProperty("picocli.ansi");
    if (property != null && !property.equalsIgnoreCase("auto")) {
      return property.equalsIgnoreCase("tty") || Boolean.parseBoolean(property)
          ? Ansi.ON
          : Ansi.OFF;
    }
    if (System.getenv("NO_COLOR") != null) {
      return Ansi.OFF;
    }
    String force = System.getenv("CLICOLOR_FORCE");
    if (force != null && !force.equals("0")) {
      return Ansi.ON;
    }
    return "0".equals(System.getenv("CLICOLOR")) || "OFF".equals(System.getenv("ConEmuANSI"))
        ? Ansi.OFF
        : Ansi.ON;
  }

  /** Bytes the command writes, as frames of one type; nothing once the command has ended. */
  private static final class FrameStream extends OutputStream {

    private final Frames frames;
    private final byte type;
    private boolean closed;

    FrameStream(Frames frames, byte type) {
      this.frames = frames;
      this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      synchronized (frames) {
        if (closed) {
          return;
        }
        // A command that keeps its interrupt flag (it restores it before printing why it stops)
        // must not close the socket: an interrupted thread's channel operation closes the channel.
        boolean interrupted = Thread.interrupted();
        try {
          frames.write(type, b, off, len);
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    @Override
    public void close() {
      synchronized (frames) {
        closed = true;
      }
    }
  }

  /** The lines the person types in the client's terminal, read when the command asks for one. */
  private static final class Keyboard implements Supplier<String> {

    private final Frames frames;
    private final Charset charset;
    private final LinkedBlockingQueue<byte[]> typed = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    Keyboard(Frames frames, Charset charset) {
      this.frames = frames;
      this.charset = charset;
    }

    void typed(byte[] bytes) {
      typed.add(bytes);
    }

    /** A line without its terminator, as {@code java.io.Console#readLine}; null at the end. */
    @Override
    public synchronized String get() {
      while (true) {
        byte[] buffered = pending.toByteArray();
        for (int i = 0; i < buffered.length; i++) {
          if (buffered[i] == '\n') {
            pending.reset();
            pending.write(buffered, i + 1, buffered.length - i - 1);
            int end = i > 0 && buffered[i - 1] == '\r' ? i - 1 : i;
            return new String(buffered, 0, end, charset);
          }
        }
        byte[] chunk;
        boolean interrupted = Thread.interrupted();
        try {
          if (interrupted) {
            return null;
          }
          frames.write(Frames.READ, new byte[0]);
          chunk = typed.take();
        } catch (IOException e) {
          return null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        if (chunk.length == 0) {
          pending.reset();
          return buffered.length == 0 ? null : new String(buffered, charset);
        }
        pending.write(chunk, 0, chunk.length);
      }
    }
  }

  /** The command's interrupt hooks, run by the daemon when the client forwards a signal. */
  private static final class Hooks implements Interrupts {

    private final List<Thread> hooks = new ArrayList<>();

    @Override
    public synchronized void add(Thread hook) {
      hooks.add(hook);
    }

    @Override
    public synchronized void remove(Thread hook) {
      hooks.remove(hook);
    }

    void runAll() {
      List<Thread> now;
      synchronized (this) {
        now = new ArrayList<>(hooks);
      }
      for (Thread hook : now) {
        try {
          hook.run();
        } catch (RuntimeException e) {
          log.warn("An interrupt hook failed", e);
        }
      }
    }
  }
}
