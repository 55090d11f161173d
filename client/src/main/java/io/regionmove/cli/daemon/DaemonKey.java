package io.regionmove.cli.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a CLI daemon may serve: the jar, the JDK, the working directory and the environment the
 * commands read. A command goes to a daemon only when its key is the daemon's own, so a daemon
 * never runs a command with another environment; the key's hash names the daemon's files in a
 * private directory ({@link #directory}).
 *
 * <p>Part of the client, which loads as few classes as it can: no lambdas, no string concatenation
 * by {@code +} (both bootstrap {@code invokedynamic}), JDK classes only.
 */
public final class DaemonKey {

  /** The wire protocol's version, part of the key: a client never talks to an older daemon. */
  static final String PROTOCOL = "regionmove-daemon 1";

  /**
   * The variables the commands read besides {@code TEMPORAL_*} and {@code REGIONMOVE_*}: colours
   * (the CLI's and picocli's), the SDK's default configuration file, the locale (the output's
   * charset), the time zone, and the JVM's own options.
   */
  private static final String[] VARIABLES = {
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "ANSICON",
    "ConEmuANSI",
    "TERM",
    "OSTYPE",
    "HOME",
    "XDG_CONFIG_HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "_JAVA_OPTIONS"
  };

  /**
   * The system property that names regionmove.jar when the class path starts with the client's own
   * small jar (the launcher's {@code -cp regionmove-daemon-client.jar:regionmove.jar}).
   */
  public static final String JAR_PROPERTY = "regionmove.jar";

  /** The longest path a Unix-domain socket can have on Linux (108 bytes with the final NUL). */
  private static final int MAX_SOCKET_PATH = 107;

  private final String text;
  private final Path directory;
  private final String name;

  private DaemonKey(String text, Path directory) {
    this.text = text;
    this.directory = directory;
    this.name = hash(text);
  }

  /**
   * The key of this JVM's command: its jar ({@value #JAR_PROPERTY}, else the class path when it is
   * one jar; else null: no daemon), its JDK, its working directory and environment.
   */
  public static DaemonKey current() {
    String jar = jar();
    if (jar == null) {
      return null;
    }
    Map<String, String> env = System.getenv();
    return of(
        new File(jar).getAbsoluteFile(),
        System.getProperty("java.home"),
        System.getProperty("user.dir"),
        env,
        directory(env, System.getProperty("user.home")));
  }

  /** regionmove.jar: the one a daemon runs, or null when there is none. */
  public static String jar() {
    String named = System.getProperty(JAR_PROPERTY);
    if (named != null && !named.isEmpty()) {
      return named;
    }
    String classPath = System.getProperty("java.class.path", "");
    return classPath.endsWith(".jar") && classPath.indexOf(File.pathSeparatorChar) < 0
        ? classPath
        : null;
  }

  /** The key of a command run with this jar, JDK, working directory and environment. */
  public static DaemonKey of(
      File jar, String javaHome, String workingDirectory, Map<String, String> env, Path directory) {
    StringBuilder key = new StringBuilder(512);
    key.append(PROTOCOL).append('\n');
    key.append(jar.getPath()).append(' ').append(jar.length()).append(' ');
    key.append(jar.lastModified()).append('\n');
    key.append(javaHome).append('\n');
    key.append(workingDirectory).append('\n');
    TreeMap<String, String> read = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (isRead(e.getKey())) {
        read.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : read.entrySet()) {
      key.append(e.getKey()).append('=').append(e.getValue()).append('\0');
    }
    return new DaemonKey(key.toString(), directory);
  }

  /**
   * The daemons' directory: {@code $XDG_RUNTIME_DIR/regionmove} (the user's own runtime directory,
   * emptied at log-out), else {@code ~/.regionmove/daemon}.
   */
  public static Path directory(Map<String, String> env, String userHome) {
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && runtime.startsWith("/")) {
      return Path.of(runtime, "regionmove");
    }
    return Path.of(userHome, ".regionmove", "daemon");
  }

  static boolean isRead(String variable) {
    if (variable.startsWith("REGIONMOVE_DAEMON") || variable.equals("REGIONMOVE_LAUNCHER")) {
      return false; // the client's own: whether it uses a daemon, where it falls back to
    }
    if (variable.startsWith("TEMPORAL_") || variable.startsWith("REGIONMOVE_")) {
      return true;
    }
    for (String v : VARIABLES) {
      if (v.equals(variable)) {
        return true;
      }
    }
    return false;
  }

  /** The whole key, compared byte for byte by the daemon. */
  public String text() {
    return text;
  }

  public Path directory() {
    return directory;
  }

  /** The socket the daemon listens on. */
  public Path socket() {
    return directory.resolve(new StringBuilder(name).append(".sock").toString());
  }

  /** The daemon's pid, locked while it runs. */
  public Path pidFile() {
    return directory.resolve(new StringBuilder(name).append(".pid").toString());
  }

  /** The daemon's stdout and stderr (the JVM's own messages); removed when it ends cleanly. */
  public Path logFile() {
    return directory.resolve(new StringBuilder(name).append(".log").toString());
  }

  /** Whether the socket's path fits in a Unix-domain address. */
  public boolean socketPathFits() {
    return socket().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH;
  }

  /**
   * Whether the directory is this user's alone: owned by the process's user, no access for anyone
   * else. The daemon makes it so; the client talks to no socket in a directory that is not.
   */
  public boolean directoryIsPrivate() {
    try {
      Map<String, Object> attributes =
          Files.readAttributes(directory, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      int mode = (Integer) attributes.get("mode");
      return attributes.get("uid").equals(self)
          && (mode & 0170000) == 0040000 // a directory
          && (mode & 077) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** 64-bit FNV-1a of the key, in hex: the daemon's file names. */
  static String hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    String hex = Long.toHexString(h);
    StringBuilder name = new StringBuilder(16);
    for (int i = hex.length(); i < 16; i++) {
      name.append('0');
    }
    return name.append(hex).toString();
  }
}
