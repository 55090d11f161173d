package io.regionmove.testkit;

import io.regionmove.activities.data.postgres.PostgresTools;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker in its own JVM, configured only through its environment, as an operator configures one
 * ({@code REGIONMOVE_REGIONS}, {@code REGIONMOVE_BACKUP_DIR}, {@code TEMPORAL_ADDRESS}, …): of the
 * test JVM's own {@code REGIONMOVE_*} and {@code TEMPORAL_*} variables, only {@code
 * REGIONMOVE_PG_BIN} (this machine's PostgreSQL tools) is passed on. Its output goes to a log file.
 * {@link RegionmoveTestStack#startWorkerProcess(Launch)} starts one.
 */
public final class WorkerProcess implements AutoCloseable {

  /** The system property naming the shaded jar; client's failsafe configuration sets it. */
  public static final String JAR_PROPERTY = "regionmove.jar";

  /**
   * How a worker process runs.
   *
   * @param command the command line
   * @param readyLine what the worker writes once it polls its task queues
   * @param environment variables set on top of the stack's configuration
   */
  public record Launch(List<String> command, String readyLine, Map<String, String> environment) {

    public Launch {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
    }

    /**
     * {@code mainClass} on this JVM's class path: {@code WorkerMain}, or a test main that starts a
     * {@code RegionmoveWorker} and logs as it does (to stderr, with {@code logback-worker.xml}).
     */
    public static Launch mainClass(Class<?> mainClass) {
      String classPath = System.getProperty("java.class.path");
      if (!classPath.contains(File.pathSeparator)) {
        throw new IllegalStateException(
            "The test class path is a single entry ("
                + classPath
                + "): run the ITs with failsafe's useManifestOnlyJar=false so a child JVM can"
                + " reuse it.");
      }
      return new Launch(
          List.of(
              java(),
              "-Xmx256m",
              "-XX:TieredStopAtLevel=1",
              "-Dlogback.configurationFile=logback-worker.xml",
              "-cp",
              classPath,
              mainClass.getName()),
          "Worker started",
          Map.of());
    }

    /** {@code java -jar regionmove.jar worker}, the shaded jar of {@link #regionmoveJar()}. */
    public static Launch regionmoveWorker() {
      return new Launch(
          List.of(java(), "-Xmx256m", "-jar", regionmoveJar().toString(), "worker"),
          "Worker running:",
          Map.of());
    }

    /** This launch with {@code arguments} after its command (such as {@code --regions R}). */
    public Launch withArguments(String... arguments) {
      List<String> more = new ArrayList<>(command);
      more.addAll(List.of(arguments));
      return new Launch(more, readyLine, environment);
    }

    /** This launch with {@code name=value} in the worker's environment. */
    public Launch withEnvironment(String name, String value) {
      Map<String, String> more = new HashMap<>(environment);
      more.put(name, value);
      return new Launch(command, readyLine, more);
    }

    private static String java() {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }

  /** A process the worker had started, with its command line as it was before the kill. */
  public record Descendant(ProcessHandle handle, String command) {}

  private final Process process;
  private final Path logFile;
  private final String readyLine;

  private WorkerProcess(Process process, Path logFile, String readyLine) {
    this.process = process;
    this.logFile = logFile;
    this.readyLine = readyLine;
  }

  /** The shaded jar named by {@value #JAR_PROPERTY}, else {@code target/regionmove.jar}. */
  public static Path regionmoveJar() {
    Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/regionmove.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("the shaded jar " + jar + " is missing; run mvn verify");
    }
    return jar;
  }

  /** Starts {@code launch} with {@code configuration} in its environment, logging to a file. */
  static WorkerProcess start(Launch launch, Map<String, String> configuration, Path logFile) {
    ProcessBuilder builder = new ProcessBuilder(launch.command());
    builder
        .environment()
        .keySet()
        .removeIf(
            name ->
                (name.startsWith("REGIONMOVE_") && !name.equals(PostgresTools.BIN_VARIABLE))
                    || name.startsWith("TEMPORAL_"));
    builder.environment().putAll(configuration);
    builder.environment().putAll(launch.environment());
    builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
    try {
      return new WorkerProcess(builder.start(), logFile, launch.readyLine());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a worker: " + e.getMessage(), e);
    }
  }

  /** Waits until the worker says it polls its queues; fails if it exits first. */
  public WorkerProcess awaitStarted(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (log().contains(readyLine)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "the worker process exited with " + process.exitValue() + ":\n" + log());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("the worker process did not start within " + timeout + ":\n" + log());
  }

  public Process process() {
    return process;
  }

  /** What the worker has written so far. */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * SIGKILLs the worker and every process it started. The descendants are listed before the kill:
   * once the JVM is gone they are re-parented and can no longer be found from it.
   *
   * @return the descendants that were killed
   */
  public List<Descendant> kill() {
    List<Descendant> descendants = new ArrayList<>();
    process
        .descendants()
        .forEach(
            p ->
                descendants.add(
                    new Descendant(
                        p, p.info().commandLine().or(() -> p.info().command()).orElse("?"))));
    process.destroyForcibly();
    descendants.forEach(d -> d.handle().destroyForcibly());
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (Descendant child : descendants) {
        child.handle().onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("a process of the killed worker did not exit: " + e);
    }
    return List.copyOf(descendants);
  }

  /** Stops the worker as SIGTERM would (gracefully), killing it if it takes more than 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}
