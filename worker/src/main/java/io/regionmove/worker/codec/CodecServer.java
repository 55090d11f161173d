package io.regionmove.worker.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal's remote codec protocol over HTTP, so Temporal Web and the {@code temporal} CLI can show
 * encrypted payloads decoded: {@code POST /encode} and {@code POST /decode} take and answer {@code
 * {"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}} (the JSON form of
 * Temporal's {@code Payloads}). Browsers reach it cross-origin, so it answers CORS preflights for
 * the origins it is given.
 *
 * <p>It decrypts whatever it is sent: bind it to loopback (the default) or put it behind the same
 * authentication as Temporal Web.
 */
public final class CodecServer implements AutoCloseable {

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** Temporal Web of {@code temporal server start-dev}, by either of its loopback names. */
  public static final List<String> DEFAULT_ORIGINS =
      List.of("http://127.0.0.1:8233", "http://localhost:8233");

  /** A request body larger than this is refused (Temporal's own limit is 2 MB per payload). */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CodecServer.class);
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final HttpServer server;
  private final ExecutorService executor;
  private final PayloadCodec codec;
  private final Set<String> origins;

  private CodecServer(
      HttpServer server, ExecutorService executor, PayloadCodec codec, Set<String> origins) {
    this.server = server;
    this.executor = executor;
    this.codec = codec;
    this.origins = origins;
  }

  /**
   * Starts serving on {@code bind:port} ({@code port} 0 for a free one).
   *
   * @param origins the browser origins allowed to call it (Temporal Web's address); {@code *}
   *     allows any
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static CodecServer start(String bind, int port, PayloadCodec codec, List<String> origins) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); is the port taken?",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "codec-server");
              t.setDaemon(true);
              return t;
            });
    CodecServer codecServer = new CodecServer(server, executor, codec, Set.copyOf(origins));
    server.setExecutor(executor);
    server.createContext("/", codecServer::handle);
    server.start();
    log.info("Codec server on {}:{}, CORS origins {}", bind, codecServer.port(), origins);
    return codecServer;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}, the value of {@code --ui-codec-endpoint}. */
  public String url() {
    InetSocketAddress address = server.getAddress();
    return "http://" + address.getHostString() + ":" + address.getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      cors(exchange);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      // Temporal Web appends /encode or /decode to the endpoint, which may itself have a path.
      boolean encode = path.endsWith("/encode");
      boolean decode = path.endsWith("/decode");
      if (!encode && !decode) {
        answer(
            exchange,
            404,
            error("No such endpoint " + path + "; use POST /encode or POST /decode."));
        return;
      }
      if (method.equals("OPTIONS")) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!method.equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST, OPTIONS");
        answer(exchange, 405, error(method + " is not allowed; use POST."));
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        answer(
            exchange,
            413,
            error("The request body is larger than " + MAX_BODY_BYTES / (1024 * 1024) + " MB."));
        return;
      }
      Payloads.Builder request = Payloads.newBuilder();
      try {
        PARSER.merge(new String(body, StandardCharsets.UTF_8), request);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        answer(
            exchange,
            400,
            error("The body is not {\"payloads\":[{\"metadata\":{...},\"data\":\"base64\"}]}."));
        return;
      }
      List<Payload> result;
      try {
        result =
            encode
                ? codec.encode(request.getPayloadsList())
                : codec.decode(request.getPayloadsList());
      } catch (PayloadCodecException e) {
        answer(exchange, 400, error(e.getMessage()));
        return;
      }
      answer(exchange, 200, PRINTER.print(Payloads.newBuilder().addAllPayloads(result).build()));
    } catch (IOException | RuntimeException e) {
      log.warn("Codec request failed: {}", e.toString());
      throw e;
    }
  }

  private void cors(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null) {
      return;
    }
    var headers = exchange.getResponseHeaders();
    if (origins.contains("*")) {
      headers.set("Access-Control-Allow-Origin", "*");
    } else if (origins.contains(origin)) {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Allow-Credentials", "true");
      headers.set("Vary", "Origin");
    } else {
      return;
    }
    headers.set("Access-Control-Allow-Methods", "POST");
    headers.set("Access-Control-Allow-Headers", "Content-Type,X-Namespace,Authorization");
    headers.set("Access-Control-Max-Age", "600");
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String error(String message) {
    try {
      return PRINTER.print(
          Struct.newBuilder()
              .putFields("error", Value.newBuilder().setStringValue(message).build()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
