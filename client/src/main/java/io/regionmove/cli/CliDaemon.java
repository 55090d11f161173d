package io.regionmove.cli;

import io.regionmove.cli.daemon.DaemonClient;
import io.regionmove.cli.daemon.DaemonKey;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The CLI daemon: a JVM that stays up between short commands so that they skip the JVM's start, the
 * class loading and the Temporal connection (issue 16). {@link DaemonClient} starts it in the
 * background, in the working directory and with the environment of the command that found none; it
 * serves only commands of that same key ({@link DaemonKey}: jar, JDK, working directory, the
 * variables the commands read), each on its own thread ({@link DaemonRequest}), with one Temporal
 * client kept warm ({@link WarmTemporal}).
 *
 * <p>It listens on {@code <hash>.sock} in the user's private daemon directory (mode 0700, checked
 * at start; each connection's peer must be the same user) and holds the lock of {@code <hash>.pid}
 * while it runs, so there is one per key. It ends after {@link #IDLE} without a command, or as soon
 * as it would serve a command differently than a new JVM: its jar changed, its working directory or
 * its REGIONMOVE_HOME was removed (tests remove theirs), its socket was removed. A command in
 * progress then runs to its end; new ones start a new daemon.
 */
public final class CliDaemon {

  /** How long it waits for a command before ending, unless REGIONMOVE_DAEMON_IDLE says. */
  static final Duration IDLE = Duration.ofMinutes(15);

  /** The variable that sets {@link #IDLE}: seconds, or an ISO-8601 duration (PT2M). */
  static final String IDLE_ENV = "REGIONMOVE_DAEMON_IDLE";

  /** How often it checks whether it should end. */
  private static final Duration CHECK = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(CliDaemon.class);

  private final DaemonKey key;
  private final WarmTemporal temporal = new WarmTemporal();
  private final AtomicInteger active = new AtomicInteger();
  private final File jar;
  private final long jarSize;
  private final long jarTime;
  private final Path workingDirectory;
  private final Object workingDirectoryInode;
  private final Path home;
  private Object socketInode;
  private final Duration idle;
  private volatile long lastUsed = System.nanoTime();
  private volatile String stopping;
  private ServerSocketChannel server;

  CliDaemon(DaemonKey key) {
    this.key = key;
    jar = new File(DaemonKey.jar()).getAbsoluteFile();
    jarSize = jar.length();
    jarTime = jar.lastModified();
    workingDirectory = Path.of(System.getProperty("user.dir"));
    workingDirectoryInode = inode(workingDirectory);
    String homeVariable = System.getenv(RegionmoveCli.HOME_ENV);
    Path named = homeVariable == null || homeVariable.isBlank() ? null : Path.of(homeVariable);
    home = named != null && Files.isDirectory(named) ? named : null;
    idle = idle(System.getenv(IDLE_ENV));
  }

  /** {@value #IDLE_ENV} as seconds or an ISO-8601 duration; {@link #IDLE} when unset or wrong. */
  static Duration idle(String value) {
    if (value == null || value.isBlank()) {
      return IDLE;
    }
    try {
      String v = value.trim();
      Duration parsed =
          v.chars().allMatch(Character::isDigit)
              ? Duration.ofSeconds(Long.parseLong(v))
              : Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
      return parsed.isNegative() ? IDLE : parsed;
    } catch (RuntimeException e) {
      log.warn(
          "{}={} is neither seconds nor an ISO-8601 duration; the daemon idles {}",
          IDLE_ENV,
          value,
          IDLE);
      return IDLE;
    }
  }

  public static void main(String[] args) {
    // DaemonClient starts it in a session of its own; without setsid, the terminal's Ctrl-C and
    // hang-up must still not end it
    for (String signal : new String[] {"INT", "HUP"}) {
      Signal.handle(new Signal(signal), SignalHandler.SIG_IGN);
    }
    DaemonKey key = DaemonKey.current();
    if (key == null) {
      System.err.println("The CLI daemon needs to run from regionmove.jar.");
      System.exit(2);
    }
    RegionmoveCli.configureLogging(new String[0]);
    int code = new CliDaemon(key).serve();
    System.exit(code);
  }

  DaemonKey key() {
    return key;
  }

  WarmTemporal temporal() {
    return temporal;
  }

  /** Serves until idle or stale; the process's exit code. */
  int serve() {
    Path directory = key.directory();
    try {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      System.err.println("The CLI daemon cannot make " + directory + ": " + e.getMessage());
      return 1;
    }
    try {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | RuntimeException e) {
      // not this user's: refused below
    }
    if (!key.directoryIsPrivate()) {
      System.err.println(
          "The CLI daemon's directory "
              + directory
              + " must belong to this user and be closed to others (chmod 700); no daemon runs.");
      return 1;
    }
    try (FileChannel pid =
            FileChannel.open(key.pidFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = pid.tryLock()) {
      if (lock == null) {
        return 0; // another daemon of this key started first
      }
      pid.truncate(0);
      pid.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      Files.deleteIfExists(key.socket());
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(key.socket()));
      socketInode = inode(key.socket());
      log.info(
          "CLI daemon {} serving {} commands from {}",
          ProcessHandle.current().pid(),
          key.socket(),
          workingDirectory);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    // killed (SIGTERM): leave no socket that answers nothing
                    if (stopping == null) {
                      stop("it was stopped");
                      deleteFiles();
                    }
                  },
                  "cli-daemon-stop"));
      start("cli-daemon-warm-up", this::warmUp);
      start("cli-daemon-watch", this::watch);
      accept();
      awaitCommands();
      log.info("CLI daemon {} ends: {}", ProcessHandle.current().pid(), stopping);
      temporal.close();
      deleteFiles();
      return 0;
    } catch (IOException e) {
      log.error("The CLI daemon failed", e);
      System.err.println("The CLI daemon failed: " + e);
      return 1;
    }
  }

  /** The pid file, and the log of a daemon that ended cleanly. */
  private void deleteFiles() {
    try {
      Files.deleteIfExists(key.pidFile());
      Files.deleteIfExists(key.logFile());
    } catch (IOException e) {
      log.debug("Removing the CLI daemon's files", e);
    }
  }

  private void accept() throws IOException {
    int count = 0;
    while (stopping == null) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException e) {
        return;
      }
      active.incrementAndGet();
      lastUsed = System.nanoTime();
      Thread thread =
          new Thread(
              () -> {
                try {
                  new DaemonRequest(this, channel).run();
                } finally {
                  lastUsed = System.nanoTime();
                  active.decrementAndGet();
                  synchronized (this) {
                    notifyAll();
                  }
                }
              },
              "cli-request-" + ++count);
      thread.start();
    }
  }

  /** The commands in progress when it stopped accepting run to their end. */
  private synchronized void awaitCommands() {
    while (active.get() > 0) {
      try {
        wait(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Why this daemon would no longer serve a command as a new JVM would, or null: its jar changed,
   * its working directory or home was removed, or its socket.
   */
  String stale() {
    if (jar.length() != jarSize || jar.lastModified() != jarTime) {
      return "its jar changed";
    }
    Object inode = inode(workingDirectory);
    if (inode == null || !inode.equals(workingDirectoryInode)) {
      return "its working directory was removed";
    }
    if (home != null && !Files.isDirectory(home)) {
      return "its REGIONMOVE_HOME was removed";
    }
    Object socket = inode(key.socket());
    if (socket == null || !socket.equals(socketInode)) {
      return "its socket was removed";
    }
    return null;
  }

  private void watch() {
    while (stopping == null) {
      try {
        Thread.sleep(CHECK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      String reason = stale();
      if (reason == null && active.get() == 0 && System.nanoTime() - lastUsed > idle.toNanos()) {
        reason = "no command for " + idle;
      }
      if (reason != null) {
        stop(reason);
      }
    }
  }

  private void stop(String reason) {
    stopping = reason;
    try {
      server.close();
      // only this daemon's: it holds the lock, so no other bound this path since
      if (inode(key.socket()) != null && inode(key.socket()).equals(socketInode)) {
        Files.deleteIfExists(key.socket());
      }
    } catch (IOException e) {
      log.debug("Closing the CLI daemon's socket", e);
    }
  }

  /**
   * Loads and compiles what the first commands need while nobody waits: the command line, the help
   * of the commands used most, and the Temporal connection.
   */
  private void warmUp() {
    try {
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true);
      Console console = new Console(discard, discard, false, null, Interrupts.JVM, null);
      for (String[] args :
          new String[][] {
            {"--help"},
            {"migrations", "--help"},
            {"migration-follow", "--help"},
            {"migration-run", "--help"}
          }) {
        CommandLine help =
            RegionmoveCli.commandLine(new RegionmoveCli(console, temporal, true), args);
        help.setOut(new PrintWriter(discard));
        help.setErr(new PrintWriter(discard));
        help.execute(args);
      }
      temporal.get();
      log.info("CLI daemon {} is warm", ProcessHandle.current().pid());
    } catch (RuntimeException e) {
      log.info("The CLI daemon's warm-up stopped: {}", e.getMessage());
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static Object inode(Path path) {
    try {
      return Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
