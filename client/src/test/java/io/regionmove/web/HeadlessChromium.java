package io.regionmove.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regionmove.testkit.RegionmoveTestStack;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket from java.net.http): Temporal
 * Web is a single-page app that keeps polling its API, so {@code --dump-dom} with a virtual time
 * budget never settles; instead the test navigates, polls the rendered text until it shows what it
 * waits for, and captures a screenshot. Without Chromium, {@link #start} throws: the test fails.
 */
final class HeadlessChromium implements AutoCloseable {

  /** Names the Chromium executable when it is not on PATH. */
  static final String CHROMIUM_VARIABLE = "REGIONMOVE_CHROMIUM";

  static final int WIDTH = 1400;
  static final int HEIGHT = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static HeadlessChromium start(Path userDataDir) {
    Path chromium =
        locate()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Chromium was not found (chromium, chromium-browser or google-chrome on PATH);"
                            + " install it (apt-get install chromium) or set "
                            + CHROMIUM_VARIABLE
                            + "."));
    Path log = userDataDir.resolveSibling(userDataDir.getFileName() + ".log");
    Process process;
    try {
      Files.createDirectories(userDataDir);
      process =
          new ProcessBuilder(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--no-first-run",
                  "--user-data-dir=" + userDataDir,
                  "--remote-debugging-address=127.0.0.1",
                  "--remote-debugging-port=0",
                  "--window-size=" + WIDTH + "," + HEIGHT,
                  "about:blank")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + chromium, e);
    }
    try {
      int port = awaitDebuggingPort(process, userDataDir.resolve("DevToolsActivePort"), log);
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = pageWebSocketUrl(http, port);
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageSocket), new Listener(message -> self[0].receive(message)))
              .get(30, TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, socket);
      self[0].call("Page.enable", JSON.createObjectNode());
      ObjectNode metrics = JSON.createObjectNode();
      metrics
          .put("width", WIDTH)
          .put("height", HEIGHT)
          .put("deviceScaleFactor", 1)
          .put("mobile", false);
      self[0].call("Emulation.setDeviceMetricsOverride", metrics);
      return self[0];
    } catch (Exception e) {
      destroyTree(process);
      throw new IllegalStateException("cannot drive Chromium over the DevTools protocol: " + e, e);
    }
  }

  /** Opens {@code url} in the page. */
  void navigate(String url) {
    ObjectNode params = JSON.createObjectNode().put("url", url);
    JsonNode result = call("Page.navigate", params);
    if (result.hasNonNull("errorText")) {
      throw new IllegalStateException(
          "cannot open " + url + ": " + result.path("errorText").asText());
    }
  }

  /**
   * The page's rendered text ({@code document.body.innerText}), then that of its same-origin
   * frames: Temporal Web renders a workflow's Markdown summary and details in iframes.
   */
  String text() {
    String script =
        "(document.body ? document.body.innerText : '') + '\\n' + Array.from(document.querySelectorAll('iframe'))"
            + ".map(f => { try { return f.contentDocument.body.innerText; } catch (e) { return ''; } }).join('\\n')";
    ObjectNode params =
        JSON.createObjectNode().put("expression", script).put("returnByValue", true);
    return call("Runtime.evaluate", params).path("result").path("value").asText("");
  }

  /**
   * Polls the page's text until {@code shows} holds; fails with the last text after {@code
   * timeout}.
   */
  String awaitText(String what, Predicate<String> shows, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String text = "";
    while (Instant.now().isBefore(deadline)) {
      text = text();
      if (shows.test(text)) {
        return text;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(
        "the page did not show " + what + " within " + timeout + "; it shows:\n" + text);
  }

  /** Runs {@code script} in the page and returns its value as text. */
  String evaluate(String script) {
    ObjectNode params =
        JSON.createObjectNode().put("expression", script).put("returnByValue", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.path("exceptionDetails"));
    }
    return result.path("result").path("value").asText("");
  }

  /** Saves a PNG of the viewport. */
  void screenshot(Path file) {
    ObjectNode params = JSON.createObjectNode().put("format", "png");
    String data = call("Page.captureScreenshot", params).path("data").asText();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, Base64.getDecoder().decode(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode call(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id).put("method", method).set("params", params);
    try {
      socket
          .sendText(JSON.writeValueAsString(message), true)
          .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode reply = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (reply.has("error")) {
        throw new IllegalStateException(method + " failed: " + reply.path("error"));
      }
      return reply.path("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(method + " failed: " + e, e);
    } finally {
      pending.remove(id);
    }
  }

  private void receive(String message) {
    try {
      JsonNode json = JSON.readTree(message);
      if (json.has("id")) {
        CompletableFuture<JsonNode> answer = pending.get(json.path("id").asInt());
        if (answer != null) {
          answer.complete(json);
        }
      }
    } catch (IOException e) {
      // not an answer to a command: events are ignored
    }
  }

  @Override
  public void close() {
    try {
      socket.abort();
    } finally {
      destroyTree(process);
    }
  }

  private static void destroyTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static int awaitDebuggingPort(Process process, Path activePort, Path log)
      throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(activePort)) {
        List<String> lines = Files.readAllLines(activePort);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Chromium exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException(
        "Chromium did not open its DevTools port within 30 s:\n" + Files.readString(log));
  }

  private static String pageWebSocketUrl(HttpClient http, int port) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      HttpResponse<String> targets =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : JSON.readTree(targets.body())) {
        if ("page".equals(target.path("type").asText())) {
          return target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Chromium lists no page target: " + targets.body());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(200));
    }
  }

  private static Optional<Path> locate() {
    String configured = System.getenv(CHROMIUM_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    List<String> names =
        List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    List<Path> candidates = new ArrayList<>();
    for (String name : names) {
      Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
          .filter(dir -> !dir.isBlank())
          .map(dir -> Path.of(dir, name))
          .forEach(candidates::add);
    }
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /** Joins the frames of each message and hands the whole text on. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        onMessage.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
