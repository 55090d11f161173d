package io.regionmove.sandbox.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL server programs ({@code initdb}, {@code pg_ctl}) on this machine, run in a
 * cluster's directory with their output appended to its {@code commands.log}. When the JVM runs as
 * root they run as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
final class PostgresPrograms {

  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

  private static final String OS_USER = "postgres";

  private final Path bin;
  private final boolean asRoot;

  private PostgresPrograms(Path bin, boolean asRoot) {
    this.bin = bin;
    this.asRoot = asRoot;
  }

  /**
   * @throws IllegalStateException naming how to install PostgreSQL when its programs are missing
   */
  static PostgresPrograms find() {
    Path bin =
        findBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server programs (initdb, pg_ctl) were not found on PATH nor in"
                            + " /usr/lib/postgresql/<version>/bin; install them (for example `apt-get install"
                            + " postgresql`) or set "
                            + LocalPostgres.PG_URL_ENV
                            + " to an existing server."));
    return new PostgresPrograms(bin, "root".equals(System.getProperty("user.name")));
  }

  /** The path of one of the programs, e.g. {@code pg_ctl}. */
  String program(String name) {
    return bin.resolve(name).toString();
  }

  /** When running as root, gives {@code dir} to the postgres user and checks it can write there. */
  void prepare(Path dir) throws IOException {
    if (!asRoot) {
      return;
    }
    chownToPostgres(dir);
    if (run(dir, List.of("test", "-w", dir.toString())) != 0) {
      throw new IllegalStateException(
          "The postgres user cannot write to "
              + dir
              + "; choose a directory whose parent directories are searchable by other users.");
    }
  }

  /** Runs {@code command}, failing with the end of its output when it does not exit 0. */
  void exec(Path dir, List<String> command, String what) {
    int exit = run(dir, command);
    if (exit != 0) {
      String tail = tail(dir.resolve("commands.log"), 15) + tail(dir.resolve("postgres.log"), 15);
      throw new IllegalStateException(
          what + " failed (exit " + exit + ") in " + dir + ":\n" + tail);
    }
  }

  /** Runs {@code command} and returns its exit code. */
  int run(Path dir, List<String> command) {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile()));
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", full) + " did not finish within " + COMMAND_TIMEOUT);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not run " + full.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + String.join(" ", full), e);
    }
  }

  /** The newest programs: those on PATH, else in /usr/lib/postgresql/<version>/bin. */
  static Optional<Path> findBinaries() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry);
        if (Files.isExecutable(candidate.resolve("initdb"))
            && Files.isExecutable(candidate.resolve("pg_ctl"))) {
          return Optional.of(candidate);
        }
      }
    }
    Path versions = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(versions)) {
      return Optional.empty();
    }
    try (Stream<Path> list = Files.list(versions)) {
      return list.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .sorted(
              Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                  .reversed())
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void chownToPostgres(Path home) throws IOException {
    UserPrincipalLookupService lookup = home.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName(OS_USER);
      group = lookup.lookupPrincipalByGroupName(OS_USER);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Running as root needs a 'postgres' system user to run PostgreSQL;"
              + " install PostgreSQL with your package manager (for example `apt-get install postgresql`).",
          e);
    }
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
      }
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    } catch (IOException e) {
      return "";
    }
  }
}
