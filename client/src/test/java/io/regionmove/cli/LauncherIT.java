package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.regionmove.testkit.TestDirectory;
import io.regionmove.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code regionmove} launcher copied beside a copy of the jar, as it is installed: short
 * commands get the CLI's JVM flags and its class-data archive, the long-running ones keep the
 * server's; the archive is made again when the jar changes, and a missing or damaged archive never
 * breaks a command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherIT {

  private static final Duration TRAINING = Duration.ofMinutes(4);

  private Path directory;
  private Path launcher;
  private Path jar;
  private Path archive;
  private Path stamp;

  @BeforeAll
  void install() throws IOException {
    directory = TestDirectory.create("LauncherIT");
    launcher = directory.resolve("regionmove");
    jar = directory.resolve("regionmove.jar");
    archive = directory.resolve("regionmove-cli.jsa");
    stamp = directory.resolve("regionmove-cli.jsa.stamp");
    Path source = Path.of("").toAbsolutePath().getParent().resolve("regionmove");
    Files.copy(source, launcher, StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(WorkerProcess.regionmoveJar(), jar);
  }

  @AfterAll
  void remove() {
    TestDirectory.delete(directory);
  }

  @Test
  void shortCommandsGetTheCliFlagsAndTheServersKeepTheirs() {
    Result cli = launch(Map.of("REGIONMOVE_CDS", "off"), "-XX:+PrintCommandLineFlags", "--version");
    assertEquals(0, cli.exit(), cli.toString());
    assertTrue(cli.stdout().contains("-XX:TieredStopAtLevel=1"), cli.toString());
    assertTrue(cli.stdout().contains("-XX:+UseSerialGC"), cli.toString());

    for (String server : List.of("worker", "dev", "demo", "sandbox", "codec-server")) {
      Result help = launch(Map.of(), "-XX:+PrintCommandLineFlags", server, "--help");
      assertEquals(0, help.exit(), help.toString());
      assertFalse(help.stdout().contains("TieredStopAtLevel"), server + ": " + help);
      assertFalse(help.stdout().contains("-XX:+UseSerialGC"), server + ": " + help);
      assertTrue(help.stdout().contains("Usage: regionmove " + server), help.toString());
    }
    // an app named like a server command is still an app
    Result app =
        launch(
            Map.of("REGIONMOVE_CDS", "off"),
            "-XX:+PrintCommandLineFlags",
            "--app",
            "worker",
            "migrations",
            "--help");
    assertTrue(app.stdout().contains("-XX:TieredStopAtLevel=1"), app.toString());
  }

  @Test
  void theArchiveIsMadeUsedAndMadeAgainForANewJar() throws Exception {
    Result first = launch(Map.of("REGIONMOVE_CDS", "sync"), null, "--version");
    assertEquals("regionmove 0.1.0\n", first.stdout(), first.toString());
    assertTrue(Files.size(archive) > 1_000_000, "the archive was made");
    assertTrue(classesFromTheArchive() > 100, "the CLI's classes come from the archive");

    // a new jar: the next command runs without the stale archive and a new one is made behind it
    String before = Files.readString(stamp);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(120)));
    Result changed = launch(Map.of(), null, "--version");
    assertEquals("regionmove 0.1.0\n", changed.stdout(), changed.toString());
    assertEquals("", changed.stderr(), changed.toString());
    awaitFreshArchive(before);
    assertTrue(
        Files.readString(stamp).startsWith(jar + " " + Files.size(jar) + " "),
        Files.readString(stamp));
    assertTrue(classesFromTheArchive() > 100, "the new archive is used");
  }

  @Test
  void aMissingOrDamagedArchiveNeverBreaksACommand() throws Exception {
    Result made = launch(Map.of("REGIONMOVE_CDS", "sync"), null, "--version");
    assertEquals(0, made.exit(), made.toString());
    long size = Files.size(archive);

    // truncated (a disk that filled up): the JVM would crash mapping it; the launcher holds it back
    String before = Files.readString(stamp);
    truncate(archive, size / 2);
    assertCommandWorks();
    awaitFreshArchive(before);

    // overwritten in place with the same size and time: the JVM refuses it and runs without it
    FileTime time = Files.getLastModifiedTime(archive);
    archive.toFile().setWritable(true);
    Files.write(archive, new byte[(int) Files.size(archive)]);
    Files.setLastModifiedTime(archive, time);
    assertCommandWorks();
    assertEquals(0, classesFromTheArchive(), "the zeroed archive is not used");

    // deleted: the command runs, and the archive comes back
    before = Files.readString(stamp);
    Files.delete(archive);
    assertCommandWorks();
    awaitFreshArchive(before);
    try (Stream<Path> files = Files.list(directory)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")),
          "no JVM crash report");
    }
  }

  private void assertCommandWorks() {
    Result result = launch(Map.of(), null, "migrations", "--help");
    assertEquals(0, result.exit(), result.toString());
    assertTrue(result.stdout().startsWith("Usage: regionmove migrations"), result.toString());
    assertEquals("", result.stderr(), result.toString());
  }

  /**
   * How many classes the JVM took from the start-up archive for {@code --version} (about 170: the
   * root command's own and the JDK's it needs beyond the JDK's default archive).
   */
  private long classesFromTheArchive() throws IOException {
    Path log = directory.resolve("classes.txt");
    Result result = launch(Map.of(), "-Xlog:class+load:file=" + log, "--version");
    assertEquals(0, result.exit(), result.toString());
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("shared objects file (top)")).count();
    }
  }

  private void awaitFreshArchive(String stampBefore) throws Exception {
    long deadline = System.nanoTime() + TRAINING.toNanos();
    while (!Files.exists(stamp)
        || Files.readString(stamp).equals(stampBefore)
        || !Files.exists(archive)) {
      if (System.nanoTime() > deadline) {
        fail("the archive was not made again within " + TRAINING);
      }
      Thread.sleep(500);
    }
    assertNotEquals(stampBefore, Files.readString(stamp));
    // the lock goes once the training run has ended
    while (Files.exists(directory.resolve("regionmove-cli.jsa.lock"))) {
      if (System.nanoTime() > deadline) {
        fail("the training run did not end within " + TRAINING);
      }
      Thread.sleep(200);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    file.toFile().setWritable(true);
    try (var channel =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  record Result(int exit, String stdout, String stderr) {}

  private Result launch(Map<String, String> env, String javaOptions, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().remove("REGIONMOVE_CDS");
    builder.environment().remove("REGIONMOVE_JAVA_OPTS");
    builder.environment().put("REGIONMOVE_HOME", directory.resolve("home").toString());
    // the JVM flags and the archive of the command's own JVM; the CLI daemon is DaemonIT's
    builder.environment().put("REGIONMOVE_DAEMON", "off");
    builder.environment().put("PATH", javaBin() + ":" + System.getenv("PATH"));
    builder.environment().putAll(env);
    if (javaOptions != null) {
      builder.environment().put("REGIONMOVE_JAVA_OPTS", javaOptions);
    }
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> out = CliProcess.read(process.getInputStream());
      CompletableFuture<String> err = CliProcess.read(process.getErrorStream());
      if (!process.waitFor(TRAINING.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("regionmove " + String.join(" ", args) + " did not end");
      }
      return new Result(process.exitValue(), out.get(), err.get());
    } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError("cannot run the launcher: " + e, e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin").toString();
  }
}
