package io.regionmove.worker;

import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.DirectoryBackupStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerMain} in its own JVM, on the test's class path, configured like an operator would:
 * {@code REGIONMOVE_REGIONS}, {@code REGIONMOVE_BACKUP_DIR}, {@code TEMPORAL_ADDRESS}. Its log goes
 * to {@code worker-N.log} in the stack's directory.
 */
public final class WorkerProcess implements AutoCloseable {

  private static final AtomicInteger COUNT = new AtomicInteger();

  private final Process process;
  private final Path logFile;

  private WorkerProcess(Process process, Path logFile) {
    this.process = process;
    this.logFile = logFile;
  }

  static WorkerProcess start(RegionmoveTestStack stack) {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains(File.pathSeparator)) {
      throw new IllegalStateException(
          "The test class path is a single entry ("
              + classPath
              + "): run the ITs with"
              + " failsafe's useManifestOnlyJar=false so a child JVM can reuse it.");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx256m");
    command.add("-Dlogback.configurationFile=logback-worker.xml");
    command.add("-cp");
    command.add(classPath);
    command.add(WorkerMain.class.getName());
    Path logFile = stack.dir().resolve("worker-" + COUNT.incrementAndGet() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(Regions.ENV, stack.regionsFile().toString());
    builder.environment().put(DirectoryBackupStore.ROOT_VARIABLE, stack.backupDir().toString());
    builder.environment().put("TEMPORAL_ADDRESS", stack.temporalAddress());
    builder.environment().put("TEMPORAL_NAMESPACE", RegionmoveTestStack.NAMESPACE);
    builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
    try {
      return new WorkerProcess(builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Like {@link #start(RegionmoveTestStack)}, but runs {@code mainClass} (a test main that starts a
   * {@link RegionmoveWorker}) with {@code extraEnvironment} on top of the operator's configuration.
   */
  static WorkerProcess start(
      RegionmoveTestStack stack,
      Class<?> mainClass,
      java.util.Map<String, String> extraEnvironment) {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains(File.pathSeparator)) {
      throw new IllegalStateException(
          "The test class path is a single entry ("
              + classPath
              + "): run the ITs with"
              + " failsafe's useManifestOnlyJar=false so a child JVM can reuse it.");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        List.of(
            java.toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=logback-worker.xml",
            "-cp",
            classPath,
            mainClass.getName());
    Path logFile = stack.dir().resolve("worker-" + COUNT.incrementAndGet() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(Regions.ENV, stack.regionsFile().toString());
    builder.environment().put(DirectoryBackupStore.ROOT_VARIABLE, stack.backupDir().toString());
    builder.environment().put("TEMPORAL_ADDRESS", stack.temporalAddress());
    builder.environment().put("TEMPORAL_NAMESPACE", RegionmoveTestStack.NAMESPACE);
    builder.environment().putAll(extraEnvironment);
    builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
    try {
      return new WorkerProcess(builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the worker logs that it polls its queues; fails if it exits first. */
  public WorkerProcess awaitStarted(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (log().contains("Worker started")) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "the worker process exited with " + process.exitValue() + ":\n" + log());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("the worker process did not start in " + timeout + ":\n" + log());
  }

  public Process process() {
    return process;
  }

  /** What the worker has logged so far. */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** A process the worker had started, with its command line as it was before the kill. */
  public record Descendant(ProcessHandle handle, String command) {}

  /**
   * SIGKILLs the worker and every process it started. The descendants are listed before the kill:
   * once the JVM is gone they are re-parented and can no longer be found from it.
   *
   * @return the descendants that were killed
   */
  public List<Descendant> kill() {
    List<Descendant> descendants =
        process
            .descendants()
            .map(
                p ->
                    new Descendant(
                        p, p.info().commandLine().or(() -> p.info().command()).orElse("?")))
            .toList();
    process.destroyForcibly();
    descendants.forEach(d -> d.handle().destroyForcibly());
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (Descendant child : descendants) {
        child.handle().onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a process of the killed worker did not exit: " + e);
    }
    return descendants;
  }

  /** Stops the worker as SIGTERM would (graceful), killing it if it takes too long. */
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
