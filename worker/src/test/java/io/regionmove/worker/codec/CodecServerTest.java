package io.regionmove.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The remote codec protocol as Temporal Web speaks it, over real HTTP on loopback. */
class CodecServerTest {

  private static final String UI = "http://127.0.0.1:8233";
  private static final Payload JSON =
      Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
          .setData(ByteString.copyFromUtf8("{\"app\":\"my-app\"}"))
          .build();

  private static CodecServer server;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    server =
        CodecServer.start(
            "127.0.0.1",
            0,
            new AesGcmPayloadCodec(EncryptionKeys.of("key-a", AesGcmPayloadCodecTest.randomKey())),
            List.of(UI));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void encodeThenDecodeOverHttpGivesThePayloadBack() throws Exception {
    HttpResponse<String> encoded = post("/encode", print(JSON));
    assertEquals(200, encoded.statusCode(), encoded.body());
    assertEquals(UI, encoded.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    Payloads encrypted = parse(encoded.body());
    assertEquals(1, encrypted.getPayloadsCount());
    assertEquals(
        "binary/encrypted", encrypted.getPayloads(0).getMetadataOrThrow("encoding").toStringUtf8());
    assertFalse(encoded.body().contains(JsonFormat.printer().print(JSON).substring(0, 10)));

    HttpResponse<String> decoded = post("/decode", encoded.body());
    assertEquals(200, decoded.statusCode(), decoded.body());
    assertEquals(List.of(JSON), parse(decoded.body()).getPayloadsList());
  }

  @Test
  void decodeLeavesPlainPayloadsAlone() throws Exception {
    HttpResponse<String> decoded = post("/decode", print(JSON));
    assertEquals(List.of(JSON), parse(decoded.body()).getPayloadsList());
  }

  @Test
  void answersTheBrowsersPreflight() throws Exception {
    HttpResponse<String> preflight =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/decode"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", UI)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-namespace")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode());
    assertEquals(UI, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals(
        "POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
    assertEquals(
        "Content-Type,X-Namespace,Authorization",
        preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
  }

  @Test
  void otherOriginsGetNoCorsHeaders() throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/decode"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertNull(answer.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void badRequestsGetAJsonErrorAnd4xx() throws Exception {
    HttpResponse<String> notJson = post("/decode", "not json");
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().startsWith("{\"error\":"), notJson.body());

    Payload unknownKey =
        new AesGcmPayloadCodec(EncryptionKeys.of("other", AesGcmPayloadCodecTest.randomKey()))
            .encode(List.of(JSON))
            .get(0);
    HttpResponse<String> unknown = post("/decode", print(unknownKey));
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("key id other, which is not configured"), unknown.body());

    assertEquals(404, post("/elsewhere", "{}").statusCode());
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/decode")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .header("X-Namespace", "default")
            .header("Origin", UI)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String print(Payload... payloads) throws Exception {
    return JsonFormat.printer()
        .print(Payloads.newBuilder().addAllPayloads(List.of(payloads)).build());
  }

  private static Payloads parse(String json) throws Exception {
    Payloads.Builder b = Payloads.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }
}
