package io.regionmove.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar regionmove.jar worker}, configured as an operator would (regions file, backup
 * directory, Temporal address in the environment); its output goes to a log file.
 */
public final class WorkerJarProcess implements AutoCloseable {

  private final Process process;
  private final Path logFile;

  private WorkerJarProcess(Process process, Path logFile) {
    this.process = process;
    this.logFile = logFile;
  }

  static WorkerJarProcess start(Path jar, Map<String, String> env, Path logFile) {
    return start(jar, env, logFile, List.of());
  }

  /** {@code regionmove worker ARGS} (such as {@code --regions agora-fr1}). */
  public static WorkerJarProcess start(
      Path jar, Map<String, String> env, Path logFile, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "worker"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("REGIONMOVE_") || name.startsWith("TEMPORAL_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
    try {
      return new WorkerJarProcess(builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the worker's "Worker running" line; fails if it exits first. */
  public WorkerJarProcess awaitStarted(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (log().contains("Worker running:")) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "regionmove worker exited with " + process.exitValue() + ":\n" + log());
      }
      sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("regionmove worker did not start within " + timeout + ":\n" + log());
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * SIGKILLs the worker and what it started (pg_dump, pg_restore), listed before the kill since a
   * dead JVM's children are re-parented. Returns their command lines.
   */
  public List<String> kill() {
    List<ProcessHandle> children = process.descendants().toList();
    List<String> commands =
        children.stream()
            .map(p -> p.info().commandLine().or(() -> p.info().command()).orElse("?"))
            .toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle child : children) {
        child.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a process of the killed worker did not exit: " + e);
    }
    return commands;
  }

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

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
