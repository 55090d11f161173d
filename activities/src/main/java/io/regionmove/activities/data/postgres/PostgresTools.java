package io.regionmove.activities.data.postgres;

import io.regionmove.activities.data.ToolProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL client programs. pg_dump must be at least as new as the server it reads, so
 * among several installed versions the newest one wins.
 */
public final class PostgresTools {

  /** The environment variable naming the directory of pg_dump and pg_restore. */
  public static final String BIN_VARIABLE = "REGIONMOVE_PG_BIN";

  /** libpq settings of the worker's own environment, kept from the tools: the addon's are given. */
  private static final List<String> WORKER_CONNECTION_VARIABLES =
      List.of(
          "PGHOST",
          "PGHOSTADDR",
          "PGPORT",
          "PGDATABASE",
          "PGUSER",
          "PGPASSWORD",
          "PGSERVICE",
          "PGOPTIONS");

  private final Path binDir;

  private PostgresTools(Path binDir) {
    this.binDir = binDir;
  }

  /** The tools in {@code binDir}; fails when pg_dump or pg_restore is not there. */
  public static PostgresTools in(Path binDir) {
    PostgresTools tools = new PostgresTools(binDir.toAbsolutePath());
    for (String program : List.of("pg_dump", "pg_restore")) {
      if (!Files.isExecutable(tools.program(program))) {
        throw new IllegalStateException(program + " not found in " + binDir);
      }
    }
    return tools;
  }

  /**
   * {@code REGIONMOVE_PG_BIN}, else the newest of {@code /usr/lib/postgresql/<v>/bin} (Debian,
   * Ubuntu), {@code /usr/pgsql-<v>/bin} (RHEL), Homebrew's, then {@code PATH}.
   */
  public static Optional<PostgresTools> locate() {
    String configured = System.getenv(BIN_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(in(Path.of(configured)));
    }
    List<Path> candidates = new ArrayList<>();
    candidates.addAll(versioned(Path.of("/usr/lib/postgresql"), "", "bin"));
    candidates.addAll(versioned(Path.of("/usr"), "pgsql-", "bin"));
    candidates.addAll(versioned(Path.of("/opt/homebrew/opt"), "postgresql@", "bin"));
    candidates.add(Path.of("/usr/local/pgsql/bin"));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir));
        }
      }
    }
    return candidates.stream()
        .filter(
            dir ->
                Files.isExecutable(dir.resolve("pg_dump"))
                    && Files.isExecutable(dir.resolve("pg_restore")))
        .findFirst()
        .map(PostgresTools::new);
  }

  /** Like {@link #locate()}, failing with a sentence that says how to install the tools. */
  public static PostgresTools require() {
    return locate()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "pg_dump and pg_restore were not found: install the PostgreSQL client"
                        + " (apt-get install postgresql-client) or set "
                        + BIN_VARIABLE));
  }

  private static List<Path> versioned(Path parent, String prefix, String bin) {
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(parent)) {
      return children
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> majorVersion(p.getFileName().toString().substring(prefix.length())) > 0)
          .sorted(
              Comparator.comparingInt(
                      (Path p) ->
                          majorVersion(p.getFileName().toString().substring(prefix.length())))
                  .reversed())
          .map(p -> p.resolve(bin))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static int majorVersion(String name) {
    try {
      return Integer.parseInt(name.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public Path binDir() {
    return binDir;
  }

  Path program(String name) {
    return binDir.resolve(name);
  }

  /**
   * Starts {@code program} (pg_dump, pg_restore) connected through {@code env} only.
   *
   * @param onLine receives each stderr line (already redacted), for progress
   */
  public ToolProcess start(
      String program, List<String> args, Map<String, String> env, Consumer<String> onLine)
      throws IOException {
    return ToolProcess.start(program(program), args, env, WORKER_CONNECTION_VARIABLES, onLine);
  }

  /** Like {@link #start}, with the program's standard output readable as a pipe. */
  public ToolProcess startPiped(
      String program, List<String> args, Map<String, String> env, Consumer<String> onLine)
      throws IOException {
    return ToolProcess.start(
        program(program),
        args,
        env,
        WORKER_CONNECTION_VARIABLES,
        onLine,
        ProcessBuilder.Redirect.PIPE);
  }
}
