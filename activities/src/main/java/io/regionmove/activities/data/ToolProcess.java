package io.regionmove.activities.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a database tool (pg_dump, pg_restore, mariadb-dump...). The caller's {@code tick} runs
 * every interval while the tool works (it heartbeats, see {@link Heartbeat}); when it throws,
 * because the activity was cancelled, the tool and its children (pg_dump's parallel workers) are
 * killed at once and the exception goes on.
 */
public final class ToolProcess {

  private static final Logger log = LoggerFactory.getLogger(ToolProcess.class);
  private static final int KEPT_LINES = 40;

  private final String name;
  private final Process process;
  private final Thread stderrReader;
  private final Deque<String> lastLines = new ArrayDeque<>();

  private ToolProcess(String name, Process process, Consumer<String> onLine) {
    this.name = name;
    this.process = process;
    this.stderrReader = new Thread(() -> readStderr(onLine), name + "-stderr-" + process.pid());
    this.stderrReader.setDaemon(true);
    this.stderrReader.start();
  }

  /**
   * Starts the program. Connection settings, the password among them, travel in {@code env}, never
   * in {@code args}.
   *
   * @param unset variables of the worker's own environment that must not reach the tool (the
   *     worker's connection settings would leak into the addon's connection)
   * @param onLine receives each stderr line (already redacted), for progress
   */
  public static ToolProcess start(
      Path program,
      List<String> args,
      Map<String, String> env,
      Collection<String> unset,
      Consumer<String> onLine)
      throws IOException {
    return start(
        program,
        args,
        env,
        unset,
        onLine,
        ProcessBuilder.Redirect.PIPE,
        ProcessBuilder.Redirect.DISCARD);
  }

  /**
   * Like {@link #start(Path, List, Map, Collection, Consumer)}, with the tool's standard output
   * going to {@code stdout} ({@link ProcessBuilder.Redirect#PIPE} to read it from {@link
   * #stdout()}, as a pipe to another tool).
   */
  public static ToolProcess start(
      Path program,
      List<String> args,
      Map<String, String> env,
      Collection<String> unset,
      Consumer<String> onLine,
      ProcessBuilder.Redirect stdout)
      throws IOException {
    return start(program, args, env, unset, onLine, ProcessBuilder.Redirect.PIPE, stdout);
  }

  /**
   * Starts the program with its standard input and output where given: {@code PIPE} makes them
   * {@link #stdin()} and {@link #stdout()}, a file redirect reads or writes that file.
   */
  public static ToolProcess start(
      Path program,
      List<String> args,
      Map<String, String> env,
      Collection<String> unset,
      Consumer<String> onLine,
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectInput(stdin).redirectOutput(stdout);
    builder.environment().keySet().removeAll(unset);
    builder.environment().putAll(env);
    String name = program.getFileName().toString();
    log.debug("starting {} {}", name, args);
    return new ToolProcess(name, builder.start(), onLine);
  }

  /** The tool's standard input; a tool that reads a file gets it closed at once. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** The tool's standard output, when it was started with a piped one. */
  public InputStream stdout() {
    return process.getInputStream();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Waits for the tool to end, calling {@code tick} every {@code interval}.
   *
   * @return the exit code
   */
  public int await(Duration interval, Runnable tick) throws InterruptedException {
    try {
      while (!process.waitFor(interval.toMillis(), TimeUnit.MILLISECONDS)) {
        tick.run();
      }
      stderrReader.join(TimeUnit.SECONDS.toMillis(5));
      return process.exitValue();
    } catch (RuntimeException | Error | InterruptedException e) {
      kill();
      throw e;
    }
  }

  /** Kills the tool and every process it started, and waits for them to be gone. */
  public void kill() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        log.warn("{} process {} did not exit after SIGKILL", name, handle.pid());
      }
    }
    log.info(
        "{} (pid {}) killed with its {} child process(es)", name, process.pid(), tree.size() - 1);
  }

  /** The last stderr lines, errors first, redacted; for a failure message. */
  public String lastErrors() {
    List<String> lines;
    synchronized (lastLines) {
      lines = new ArrayList<>(lastLines);
    }
    List<String> errors =
        lines.stream()
            .filter(
                l ->
                    l.contains("error")
                        || l.contains("FATAL")
                        || l.contains("DETAIL")
                        || l.contains("ERROR"))
            .toList();
    List<String> chosen = errors.isEmpty() ? lines : errors;
    return String.join(" | ", chosen.subList(Math.max(0, chosen.size() - 6), chosen.size()));
  }

  private void readStderr(Consumer<String> onLine) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String safe = Redaction.redact(line);
        synchronized (lastLines) {
          lastLines.addLast(safe);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
        if (onLine != null) {
          onLine.accept(safe);
        }
      }
    } catch (IOException e) {
      // the process was killed; its stderr is closed
    }
  }
}
