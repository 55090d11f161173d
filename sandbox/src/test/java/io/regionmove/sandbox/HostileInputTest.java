package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.sandbox.SandboxFixture.Answer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile or broken requests to the Region API: each gets a clear 4xx with a one-sentence {@code
 * {"error":...}} (never a 500, never a stack trace) and leaves the region's whole state as it was.
 */
class HostileInputTest {

  private static final String APP = "victim";
  private static final String BASE = "/v1/apps/" + APP;

  @TempDir static Path stateDir;
  static SandboxFixture region;

  @BeforeAll
  static void start() {
    region = SandboxFixture.start(stateDir, null);
    region.createApp(APP);
    region.expect(
        200,
        "PUT",
        BASE + "/variables",
        Map.of("variables", List.of(Map.of("name", "KEPT", "value", "1"))));
    region.expect(
        201,
        "POST",
        BASE + "/collaborators",
        Map.of("collaborator", Map.of("email", "ann@example.com")));
    region.expect(
        201,
        "POST",
        BASE + "/domains",
        Map.of(
            "domain",
            Map.of(
                "name",
                "victim.example.com",
                "tlscert",
                SandboxFixture.sampleCert(),
                "tlskey",
                SandboxFixture.sampleKey())));
    region.expect(
        201,
        "POST",
        BASE + "/addons",
        Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7")));
    region.expect(200, "POST", BASE + "/scale", SandboxFixture.scaleTo("web", 1));
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  static Stream<Arguments> hostileRequests() {
    String megabyte = "x".repeat(1 << 20);
    String hundredKb = "a".repeat(100 * 1024);
    List<Map<String, String>> tenThousand = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      tenThousand.add(Map.of("name", "VAR_" + i, "value", "v"));
    }
    byte[] twoMegabytes =
        ("{\"variables\":[{\"name\":\"BIG\",\"value\":\"" + "y".repeat(2 << 20) + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    String deep = "{\"app\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    return Stream.of(
        row("an unknown app", 404, r -> r.call("GET", "/v1/apps/no-such-app")),
        row("an unknown addon id", 404, r -> r.call("DELETE", BASE + "/addons/ad-00000000")),
        row("an unknown variable", 404, r -> r.call("DELETE", BASE + "/variables/NOPE")),
        row("an unknown endpoint", 404, r -> r.call("GET", "/v1/nothing-here")),
        row(
            "the app name is a number",
            400,
            r -> r.call("POST", "/v1/apps", "{\"app\":{\"name\":123}}")),
        row("the app is an array", 400, r -> r.call("POST", "/v1/apps", "{\"app\":[\"my-app\"]}")),
        row(
            "the body is an array",
            400,
            r -> r.call("POST", "/v1/apps", "[{\"app\":{\"name\":\"x1\"}}]")),
        row("the body is null", 400, r -> r.call("POST", "/v1/apps", "null")),
        row("the app is null", 400, r -> r.call("POST", "/v1/apps", "{\"app\":null}")),
        row("the body is empty", 400, r -> r.call("POST", "/v1/apps", "")),
        row("malformed JSON", 400, r -> r.call("POST", "/v1/apps", "{\"app\":{\"name\":\"half")),
        row("JSON nested 5000 deep", 400, r -> r.call("POST", "/v1/apps", deep)),
        row(
            "a variable value that is a number",
            400,
            r ->
                r.call(
                    "PUT",
                    BASE + "/variables",
                    "{\"variables\":[{\"name\":\"NUM\",\"value\":123}]}")),
        row(
            "variables as an object",
            400,
            r -> r.call("PUT", BASE + "/variables", "{\"variables\":{\"NAME\":\"value\"}}")),
        row(
            "an amount that is a string",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/scale",
                    "{\"containers\":[{\"name\":\"web\",\"amount\":\"2\"}]}")),
        row(
            "an amount of 10^12",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/scale",
                    "{\"containers\":[{\"name\":\"web\",\"amount\":1000000000000}]}")),
        row(
            "a settings flag that is a string",
            400,
            r ->
                r.call(
                    "PUT", BASE + "/settings", Map.of("settings", Map.of("force_https", "true")))),
        row(
            "a 1 MB variable value",
            413,
            r ->
                r.call(
                    "PUT",
                    BASE + "/variables",
                    Map.of("variables", List.of(Map.of("name", "HUGE", "value", megabyte))))),
        row(
            "a 100 KB variable value",
            400,
            r ->
                r.call(
                    "PUT",
                    BASE + "/variables",
                    Map.of("variables", List.of(Map.of("name", "LARGE", "value", hundredKb))))),
        row(
            "10,000 variables in one PUT",
            400,
            r -> r.call("PUT", BASE + "/variables", Map.of("variables", tenThousand))),
        row("a 100 KB app name", 400, r -> r.call("POST", "/v1/apps", app(hundredKb))),
        row(
            "a 100 KB collaborator email",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/collaborators",
                    Map.of("collaborator", Map.of("email", hundredKb + "@example.com")))),
        row(
            "an SQL injection app name",
            400,
            r -> r.call("POST", "/v1/apps", app("'; DROP TABLE apps;--"))),
        row(
            "a path traversal app name",
            400,
            r -> r.call("POST", "/v1/apps", app("../../etc/passwd"))),
        row(
            "a script app name",
            400,
            r -> r.call("POST", "/v1/apps", app("<script>alert(1)</script>"))),
        row("an app name with %00", 400, r -> r.call("POST", "/v1/apps", app("my-app%00"))),
        row("an app name with a NUL", 400, r -> r.call("POST", "/v1/apps", app("my-app\u0000"))),
        row(
            "an app name with a Cyrillic homoglyph",
            400,
            r -> r.call("POST", "/v1/apps", app("vict\u0456m"))),
        row(
            "an app name with a fullwidth letter",
            400,
            r -> r.call("POST", "/v1/apps", app("\uff56ictim"))),
        row(
            "an encoded path traversal in the path",
            404,
            r -> r.call("DELETE", "/v1/apps/..%2F..%2Fetc%2Fpasswd")),
        row("an encoded NUL in the path", 400, r -> r.call("DELETE", "/v1/apps/victim%00")),
        row("a homoglyph app in the path", 404, r -> r.call("GET", "/v1/apps/vict%D1%96m")),
        row(
            "a variable name with SQL",
            400,
            r ->
                r.call(
                    "PUT",
                    BASE + "/variables",
                    Map.of(
                        "variables",
                        List.of(Map.of("name", "A'; DROP TABLE variables;--", "value", "x"))))),
        row(
            "a domain with an expired certificate",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/domains",
                    domain(
                        "expired.example.com",
                        SandboxFixture.resource("/io/regionmove/sandbox/expired-domain.cert.pem"),
                        SandboxFixture.resource("/io/regionmove/sandbox/expired-domain.key.pem")))),
        row(
            "a domain with a garbage certificate",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/domains",
                    domain(
                        "garbage.example.com",
                        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
                        SandboxFixture.sampleKey()))),
        row(
            "a domain with a garbage key",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/domains",
                    domain("key.example.com", SandboxFixture.sampleCert(), "not a key"))),
        row(
            "a domain with a certificate and no key",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/domains",
                    Map.of(
                        "domain",
                        Map.of(
                            "name", "half.example.com", "tlscert", SandboxFixture.sampleCert())))),
        row(
            "a domain name with a script",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/domains",
                    Map.of("domain", Map.of("name", "<script>.example.com")))),
        row(
            "a redirect to javascript:",
            400,
            r ->
                r.call(
                    "PUT",
                    BASE + "/redirect",
                    Map.of(
                        "redirect",
                        Map.of("to", "javascript:alert(1)", "until", "2099-01-01T00:00:00Z")))),
        row(
            "a notifier URL on file:",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/notifiers",
                    Map.of(
                        "notifier",
                        Map.of("type", "webhook", "name", "evil", "url", "file:///etc/passwd")))),
        row(
            "an addon reference with control characters",
            400,
            r ->
                r.call(
                    "POST",
                    BASE + "/addons",
                    Map.of(
                        "addon",
                        Map.of(
                            "provider",
                            "redis",
                            "plan",
                            "starter-256",
                            "version",
                            "7",
                            "reference",
                            "ref\r\nX-Injected: 1")))),
        row("a wrong token", 401, r -> r.callAs("not-the-token", "DELETE", BASE, null)),
        row("no token", 401, r -> r.callAs(null, "DELETE", BASE, null)),
        row(
            "a token in another scheme",
            401,
            r ->
                r.raw(
                    HttpRequest.newBuilder(r.uri(BASE))
                        .header("Authorization", "Basic " + SandboxFixture.TOKEN)
                        .DELETE()
                        .build())),
        row(
            "a 2 MB body with a Content-Length",
            413,
            r ->
                r.raw(
                    HttpRequest.newBuilder(r.uri(BASE + "/variables"))
                        .header("Authorization", "Bearer " + SandboxFixture.TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(twoMegabytes))
                        .build())),
        row(
            "a 2 MB chunked body",
            413,
            r ->
                r.raw(
                    HttpRequest.newBuilder(r.uri(BASE + "/variables"))
                        .header("Authorization", "Bearer " + SandboxFixture.TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(
                            HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(twoMegabytes)))
                        .build())),
        row(
            "a 64 KB header",
            431,
            r ->
                r.raw(
                    HttpRequest.newBuilder(r.uri(BASE))
                        .header("Authorization", "Bearer " + SandboxFixture.TOKEN)
                        .header("X-Padding", "p".repeat(64 * 1024))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build())),
        row(
            "bad fault settings",
            400,
            r -> r.call("PUT", "/_sandbox/faults", "{\"faults\":{\"error_rate\":\"high\"}}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRequests")
  void aHostileRequestGetsAClear4xxAndChangesNothing(
      String what, int status, Function<SandboxFixture, Answer> request) {
    String before = region.stateFile();

    Answer answer = request.apply(region);

    assertEquals(status, answer.status(), () -> what + ": " + abbreviated(answer.text()));
    assertTrue(
        answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        () -> what + " answers JSON: " + abbreviated(answer.text()));
    String error = answer.json().path("error").asText();
    assertFalse(error.isBlank(), () -> what + " names the error: " + abbreviated(answer.text()));
    assertTrue(
        error.length() <= 300,
        () -> what + ": one short sentence, not " + error.length() + " characters");
    assertFalse(
        error.contains("\n") || error.contains("Exception") || error.contains("\tat "),
        () -> what + ": no stack trace in " + error);
    assertTrue(error.endsWith(".") || error.endsWith(")"), () -> what + ": a sentence: " + error);
    assertEquals(
        1, answer.json().size(), () -> what + ": only the error: " + abbreviated(answer.text()));
    assertEquals(before, region.stateFile(), () -> what + " changed the region's state");
  }

  private static Arguments row(String what, int status, Function<SandboxFixture, Answer> request) {
    return Arguments.of(what, status, request);
  }

  private static Map<String, Object> app(String name) {
    return Map.of("app", Map.of("name", name));
  }

  private static Map<String, Object> domain(String name, String cert, String key) {
    return Map.of("domain", Map.of("name", name, "tlscert", cert, "tlskey", key));
  }

  private static String abbreviated(String text) {
    return text == null || text.length() < 300
        ? String.valueOf(text)
        : text.substring(0, 300) + "...";
  }
}
