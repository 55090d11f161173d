package io.regionmove.activities.data.mysql;

import io.regionmove.activities.data.ToolProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the MariaDB client programs: {@code mariadb-dump} and {@code mariadb} (or their older names
 * {@code mysqldump} and {@code mysql}).
 */
public final class MariaDbTools {

  /** The environment variable naming the directory of mariadb-dump and mariadb. */
  public static final String BIN_VARIABLE = "REGIONMOVE_MYSQL_BIN";

  /**
   * Connection settings of the worker's own environment, kept from the tools: the addon's are
   * given.
   */
  private static final List<String> WORKER_CONNECTION_VARIABLES =
      List.of(
          "MYSQL_PWD",
          "MYSQL_HOST",
          "MYSQL_TCP_PORT",
          "MYSQL_UNIX_PORT",
          "MYSQL_HISTFILE",
          "MARIADB_HOST",
          "MARIADB_TCP_PORT",
          "MARIADB_UNIX_PORT");

  private final Path dump;
  private final Path client;

  private MariaDbTools(Path dump, Path client) {
    this.dump = dump;
    this.client = client;
  }

  /** The tools in {@code binDir}; fails when they are not there. */
  public static MariaDbTools in(Path binDir) {
    return inDirectory(binDir.toAbsolutePath())
        .orElseThrow(
            () -> new IllegalStateException("mariadb-dump and mariadb not found in " + binDir));
  }

  /** {@code REGIONMOVE_MYSQL_BIN}, else {@code PATH}, {@code /usr/bin}, {@code /usr/local/bin}. */
  public static Optional<MariaDbTools> locate() {
    String configured = System.getenv(BIN_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(in(Path.of(configured)));
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir));
        }
      }
    }
    candidates.add(Path.of("/usr/bin"));
    candidates.add(Path.of("/usr/local/bin"));
    candidates.add(Path.of("/opt/homebrew/bin"));
    for (Path dir : candidates) {
      Optional<MariaDbTools> found = inDirectory(dir);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<MariaDbTools> inDirectory(Path dir) {
    for (String[] names : new String[][] {{"mariadb-dump", "mariadb"}, {"mysqldump", "mysql"}}) {
      Path dump = dir.resolve(names[0]);
      Path client = dir.resolve(names[1]);
      if (Files.isExecutable(dump) && Files.isExecutable(client)) {
        return Optional.of(new MariaDbTools(dump, client));
      }
    }
    return Optional.empty();
  }

  /** The dump program's name, for messages. */
  String dumpName() {
    return dump.getFileName().toString();
  }

  /** The client program's name, for messages. */
  String clientName() {
    return client.getFileName().toString();
  }

  /** Starts the dump tool with its standard output piped to this process. */
  ToolProcess startDump(List<String> args, Map<String, String> env, Consumer<String> onLine)
      throws IOException {
    return ToolProcess.start(
        dump,
        args,
        env,
        WORKER_CONNECTION_VARIABLES,
        onLine,
        ProcessBuilder.Redirect.from(new File("/dev/null")),
        ProcessBuilder.Redirect.PIPE);
  }

  /**
   * Starts the client reading {@code input}: a file, or {@code PIPE} to feed it through {@link
   * ToolProcess#stdin()}.
   */
  ToolProcess startClient(
      List<String> args,
      Map<String, String> env,
      ProcessBuilder.Redirect input,
      Consumer<String> onLine)
      throws IOException {
    return ToolProcess.start(
        client,
        args,
        env,
        WORKER_CONNECTION_VARIABLES,
        onLine,
        input,
        ProcessBuilder.Redirect.DISCARD);
  }
}
