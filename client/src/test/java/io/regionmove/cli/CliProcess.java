package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.fail;

import io.regionmove.testkit.WorkerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar regionmove.jar} as a separate process, as a person would. */
public final class CliProcess {

  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(WorkerProcess.regionmoveJar().toString());
    command.addAll(args);
    return command;
  }

  static ProcessBuilder builder(Map<String, String> env, List<String> args) {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    Map<String, String> environment = pb.environment();
    environment.remove("REGIONMOVE_REGION");
    environment.remove("REGIONMOVE_APP");
    environment.remove("REGIONMOVE_REGIONS");
    environment.remove("TEMPORAL_ADDRESS");
    environment.putAll(env);
    return pb;
  }

  public static Result run(Map<String, String> env, List<String> args) {
    try {
      Process process = builder(env, args).start();
      process.getOutputStream().close();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      if (!process.waitFor(4, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("regionmove " + String.join(" ", args) + " did not end within 4 minutes");
      }
      return new Result(process.exitValue(), out.get(), err.get());
    } catch (Exception e) {
      throw new AssertionError("cannot run regionmove " + String.join(" ", args) + ": " + e, e);
    }
  }

  static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  /** Starts a long-running command and waits for a line containing {@code ready}. */
  static Process startAndAwait(
      Map<String, String> env,
      List<String> args,
      String ready,
      Duration timeout,
      StringBuilder output)
      throws Exception {
    Process process = builder(env, args).redirectErrorStream(true).start();
    process.getOutputStream().close();
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.contains(ready)) {
                    seen.complete(true);
                  }
                }
              } catch (IOException e) {
                // process ended
              }
              seen.complete(false);
            },
            "dev-output");
    reader.setDaemon(true);
    reader.start();
    boolean ok;
    try {
      ok = seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ok = false;
    }
    if (!ok) {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
      synchronized (output) {
        fail("regionmove " + String.join(" ", args) + " did not print '" + ready + "':\n" + output);
      }
    }
    return process;
  }

  /**
   * The HTTP status of a GET of an app URL, sent to 127.0.0.1 with the URL's Host (*.localhost may
   * not resolve).
   */
  static int httpStatus(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + uri.getHost()
                  + ":"
                  + uri.getPort()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    } catch (IOException e) {
      throw new AssertionError("GET " + url + " failed: " + e, e);
    }
  }

  static Map<String, String> env(Object... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i].toString(), pairs[i + 1].toString());
    }
    return env;
  }

  private CliProcess() {}
}
