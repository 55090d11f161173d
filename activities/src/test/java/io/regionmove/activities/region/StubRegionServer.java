package io.regionmove.activities.region;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.regionmove.activities.config.RegionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A Region API that answers every request with one fixed status and body, or never answers. */
final class StubRegionServer implements AutoCloseable {

  private final HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile String body = "{}";
  private volatile boolean hang;

  StubRegionServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  StubRegionServer answer(int status, String body) {
    this.status = status;
    this.body = body;
    this.hang = false;
    return this;
  }

  StubRegionServer hang() {
    this.hang = true;
    return this;
  }

  RegionConfig region(String name) {
    return new RegionConfig(
        name, "http://127.0.0.1:" + server.getAddress().getPort(), "stub-token", null);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (hang) {
        release.await(30, TimeUnit.SECONDS);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
