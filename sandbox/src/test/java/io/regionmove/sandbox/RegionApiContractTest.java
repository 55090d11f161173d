package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.regionmove.sandbox.SandboxFixture.Answer;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document and the server agree: for every operation of {@code region-api.yaml}, a
 * scenario provokes every documented status, and each answer carries the properties its documented
 * schema requires.
 */
class RegionApiContractTest {

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  @TempDir static Path stateDir;
  static SandboxFixture region;
  static JsonNode spec;
  private static int counter;

  @BeforeAll
  static void start() throws IOException {
    region = SandboxFixture.start(stateDir);
    try (InputStream in = RegionApiContractTest.class.getResourceAsStream("/region-api.yaml")) {
      assertNotNull(in, "region-api.yaml is on the classpath");
      spec = new YAMLMapper().readTree(in);
    }
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @Test
  void documentIsOpenApi3WithBearerSecurity() {
    assertTrue(spec.path("openapi").asText().startsWith("3.0"));
    assertEquals("bearer", spec.at("/components/securitySchemes/bearerAuth/scheme").asText());
    assertTrue(spec.path("security").isArray());
  }

  @Test
  void everyDocumentedOperationHasAScenarioAndNoMore() {
    Set<String> documented = new TreeSet<>();
    operations().forEach(op -> documented.add(op.id()));
    assertEquals(new TreeSet<>(scenarios().keySet()), documented);
  }

  @TestFactory
  Stream<DynamicTest> everyOperationAnswersItsDocumentedStatusesWithTheDocumentedShapes() {
    Map<String, BiFunction<SandboxFixture, String, Map<Integer, Answer>>> scenarios = scenarios();
    return operations().stream()
        .map(
            op ->
                DynamicTest.dynamicTest(
                    op.method().toUpperCase() + " " + op.path(),
                    () -> {
                      var scenario = scenarios.get(op.id());
                      assertNotNull(scenario, "a scenario for " + op.id());
                      Map<Integer, Answer> answers = scenario.apply(region, newAppName());
                      Set<Integer> documentedCodes = new TreeSet<>();
                      op.responses()
                          .fieldNames()
                          .forEachRemaining(code -> documentedCodes.add(Integer.parseInt(code)));
                      assertEquals(
                          documentedCodes,
                          new TreeSet<>(answers.keySet()),
                          op.id() + ": the scenario provokes exactly the documented statuses");
                      for (int code : documentedCodes) {
                        Answer answer = answers.get(code);
                        assertEquals(
                            code,
                            answer.status(),
                            () -> op.id() + " expected " + code + " but got " + answer);
                        JsonNode response = resolve(op.responses().path(String.valueOf(code)));
                        JsonNode schema = response.at("/content/application~1json/schema");
                        if (schema.isMissingNode()) {
                          assertTrue(
                              answer.text() == null || answer.text().isEmpty(),
                              () ->
                                  op.id()
                                      + " "
                                      + code
                                      + " has no documented body but got "
                                      + answer.text());
                        } else {
                          List<String> problems = new ArrayList<>();
                          validate(schema, answer.json(), "$", problems);
                          assertTrue(
                              problems.isEmpty(),
                              () -> op.id() + " " + code + " " + answer.text() + ": " + problems);
                        }
                        if (code >= 400) {
                          assertFalse(
                              answer.json().path("error").asText().isBlank(),
                              op.id() + " " + code + " names the error");
                        }
                      }
                    }));
  }

  // ---- the scenarios, one per operationId; each returns the answers by status

  private static Map<String, BiFunction<SandboxFixture, String, Map<Integer, Answer>>> scenarios() {
    Map<String, BiFunction<SandboxFixture, String, Map<Integer, Answer>>> s = new LinkedHashMap<>();
    s.put(
        "listApps",
        (r, app) -> {
          r.createApp(app);
          return answers(r.call("GET", "/v1/apps"), unauthorized(r, "GET", "/v1/apps"));
        });
    s.put(
        "createApp",
        (r, app) -> {
          Map<String, Object> body = Map.of("app", Map.of("name", app, "reference", "ref-1"));
          return answers(
              r.call("POST", "/v1/apps", body),
              r.call("POST", "/v1/apps", body),
              r.call("POST", "/v1/apps", Map.of("app", Map.of("name", "Not_Valid!"))),
              unauthorized(r, "POST", "/v1/apps"),
              r.call("POST", "/v1/apps", Map.of("app", Map.of("name", app, "reference", "ref-2"))));
        });
    s.put(
        "getApp",
        (r, app) -> {
          r.createApp(app);
          return answers(
              r.call("GET", "/v1/apps/" + app),
              unauthorized(r, "GET", "/v1/apps/" + app),
              r.call("GET", "/v1/apps/no-such-app"));
        });
    s.put(
        "deleteApp",
        (r, app) -> {
          r.createApp(app);
          return answers(
              r.call("DELETE", "/v1/apps/" + app),
              unauthorized(r, "DELETE", "/v1/apps/" + app),
              r.call("DELETE", "/v1/apps/" + app));
        });
    s.put(
        "freezeApp",
        (r, app) -> {
          r.createApp(app);
          return answers(
              r.call("PUT", "/v1/apps/" + app + "/migrating"),
              unauthorized(r, "PUT", "/v1/apps/" + app + "/migrating"),
              r.call("PUT", "/v1/apps/no-such-app/migrating"));
        });
    s.put(
        "unfreezeApp",
        (r, app) -> {
          r.createApp(app);
          r.freeze(app);
          return answers(
              r.call("DELETE", "/v1/apps/" + app + "/migrating"),
              unauthorized(r, "DELETE", "/v1/apps/" + app + "/migrating"),
              r.call("DELETE", "/v1/apps/no-such-app/migrating"));
        });
    s.put(
        "updateSettings",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/settings";
          Map<String, Object> body =
              Map.of("settings", Map.of("force_https", true, "sticky_session", false));
          Answer ok = r.call("PUT", path, body);
          Answer bad = r.call("PUT", path, Map.of("settings", Map.of("force_https", "yes")));
          r.freeze(app);
          return answers(
              ok,
              bad,
              unauthorized(r, "PUT", path),
              r.call("PUT", "/v1/apps/no-such-app/settings", body),
              r.call("PUT", path, body));
        });
    s.put("listVariables", (r, app) -> listScenario(r, app, "variables"));
    s.put(
        "upsertVariables",
        (r, app) -> {
          String pgApp = appWithDatabase(r, app);
          String path = "/v1/apps/" + pgApp + "/variables";
          Answer ok = r.call("PUT", path, variables("GREETING", "hello"));
          Answer bad = r.call("PUT", path, variables("1NVALID", "x"));
          Answer generated =
              r.call("PUT", path, variables("DATABASE_URL", "postgresql://elsewhere/db"));
          r.freeze(pgApp);
          return answers(
              ok,
              bad,
              unauthorized(r, "PUT", path),
              generated,
              r.call("PUT", "/v1/apps/no-such-app/variables", variables("A", "b")),
              r.call("PUT", path, variables("GREETING", "bye")));
        });
    s.put(
        "deleteVariable",
        (r, app) -> {
          String pgApp = appWithDatabase(r, app);
          String base = "/v1/apps/" + pgApp + "/variables/";
          r.expect(200, "PUT", "/v1/apps/" + pgApp + "/variables", variables("ONE", "1"));
          r.expect(200, "PUT", "/v1/apps/" + pgApp + "/variables", variables("TWO", "2"));
          Answer ok = r.call("DELETE", base + "ONE");
          Answer generated = r.call("DELETE", base + "SCALINGO_POSTGRESQL_URL");
          Answer missing = r.call("DELETE", base + "ONE");
          r.freeze(pgApp);
          return answers(
              ok,
              unauthorized(r, "DELETE", base + "TWO"),
              generated,
              missing,
              r.call("DELETE", base + "TWO"));
        });
    s.put("listCollaborators", (r, app) -> listScenario(r, app, "collaborators"));
    s.put(
        "addCollaborator",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/collaborators";
          Map<String, Object> body = Map.of("collaborator", Map.of("email", "carol@example.com"));
          Answer created = r.call("POST", path, body);
          Answer again = r.call("POST", path, body);
          Answer bad =
              r.call("POST", path, Map.of("collaborator", Map.of("email", "not-an-email")));
          r.freeze(app);
          return answers(
              created,
              again,
              bad,
              unauthorized(r, "POST", path),
              r.call("POST", "/v1/apps/no-such-app/collaborators", body),
              r.call("POST", path, body));
        });
    s.put(
        "removeCollaborator",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/collaborators";
          r.expect(201, "POST", path, Map.of("collaborator", Map.of("email", "dave@example.com")));
          r.expect(201, "POST", path, Map.of("collaborator", Map.of("email", "erin@example.com")));
          Answer ok = r.call("DELETE", path + "/dave@example.com");
          Answer missing = r.call("DELETE", path + "/dave@example.com");
          r.freeze(app);
          return answers(
              ok,
              unauthorized(r, "DELETE", path + "/erin@example.com"),
              missing,
              r.call("DELETE", path + "/erin@example.com"));
        });
    s.put("listDomains", (r, app) -> listScenario(r, app, "domains"));
    s.put(
        "addDomain",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/domains";
          Map<String, Object> body =
              Map.of(
                  "domain",
                  Map.of(
                      "name",
                      app + ".example.com",
                      "canonical",
                      true,
                      "tlscert",
                      SandboxFixture.sampleCert(),
                      "tlskey",
                      SandboxFixture.sampleKey()));
          Answer created = r.call("POST", path, body);
          Answer same = r.call("POST", path, body);
          Answer bad =
              r.call(
                  "POST",
                  path,
                  Map.of(
                      "domain",
                      Map.of(
                          "name",
                          "www." + app + ".example.com",
                          "tlscert",
                          "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----",
                          "tlskey",
                          "x")));
          Answer conflict =
              r.call("POST", path, Map.of("domain", Map.of("name", app + ".example.com")));
          r.freeze(app);
          return answers(
              created,
              same,
              bad,
              unauthorized(r, "POST", path),
              r.call("POST", "/v1/apps/no-such-app/domains", body),
              conflict,
              r.call(
                  "POST", path, Map.of("domain", Map.of("name", "other." + app + ".example.com"))));
        });
    s.put(
        "removeDomain",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/domains";
          r.expect(
              201, "POST", path, Map.of("domain", Map.of("name", "a." + app + ".example.com")));
          r.expect(
              201, "POST", path, Map.of("domain", Map.of("name", "b." + app + ".example.com")));
          Answer ok = r.call("DELETE", path + "/a." + app + ".example.com");
          Answer missing = r.call("DELETE", path + "/a." + app + ".example.com");
          r.freeze(app);
          return answers(
              ok,
              unauthorized(r, "DELETE", path + "/b." + app + ".example.com"),
              missing,
              r.call("DELETE", path + "/b." + app + ".example.com"));
        });
    s.put("listNotifiers", (r, app) -> listScenario(r, app, "notifiers"));
    s.put(
        "addNotifier",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/notifiers";
          Map<String, Object> body =
              Map.of(
                  "notifier",
                  Map.of(
                      "type",
                      "webhook",
                      "name",
                      "ops",
                      "url",
                      "https://hooks.example.com/ops",
                      "events",
                      List.of("app_deployed")));
          Answer created = r.call("POST", path, body);
          Answer again = r.call("POST", path, body);
          Answer bad = r.call("POST", path, Map.of("notifier", Map.of("name", "no-type")));
          r.freeze(app);
          return answers(
              created,
              again,
              bad,
              unauthorized(r, "POST", path),
              r.call("POST", "/v1/apps/no-such-app/notifiers", body),
              r.call("POST", path, body));
        });
    s.put(
        "removeNotifier",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/notifiers";
          String first =
              r.expect(201, "POST", path, Map.of("notifier", Map.of("type", "email", "name", "n1")))
                  .at("/notifier/id")
                  .asText();
          String second =
              r.expect(201, "POST", path, Map.of("notifier", Map.of("type", "email", "name", "n2")))
                  .at("/notifier/id")
                  .asText();
          Answer ok = r.call("DELETE", path + "/" + first);
          Answer missing = r.call("DELETE", path + "/" + first);
          r.freeze(app);
          return answers(
              ok,
              unauthorized(r, "DELETE", path + "/" + second),
              missing,
              r.call("DELETE", path + "/" + second));
        });
    s.put("listContainers", (r, app) -> listScenario(r, app, "containers"));
    s.put(
        "removeProcessType",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/containers/";
          r.expect(
              200,
              "POST",
              "/v1/apps/" + app + "/scale",
              Map.of(
                  "containers",
                  List.of(
                      Map.of("name", "web", "amount", 1, "size", "M"),
                      Map.of("name", "worker", "amount", 0, "size", "S"),
                      Map.of("name", "clock", "amount", 0, "size", "S"))));
          r.freeze(app);
          Answer ok = r.call("DELETE", path + "worker");
          Answer missing = r.call("DELETE", path + "worker");
          Answer running = r.call("DELETE", path + "web");
          return answers(ok, unauthorized(r, "DELETE", path + "clock"), missing, running);
        });
    s.put(
        "scaleApp",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/scale";
          return answers(
              r.call("POST", path, SandboxFixture.scaleTo("web", 2)),
              r.call(
                  "POST",
                  path,
                  Map.of(
                      "containers", List.of(Map.of("name", "web", "amount", 1, "size", "XXXL")))),
              unauthorized(r, "POST", path),
              r.call("POST", "/v1/apps/no-such-app/scale", SandboxFixture.scaleTo("web", 1)));
        });
    s.put("listAddons", (r, app) -> listScenario(r, app, "addons"));
    s.put(
        "provisionAddon",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/addons";
          Map<String, Object> body =
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
                      "cache-1"));
          Answer created = r.call("POST", path, body);
          Answer again = r.call("POST", path, body);
          Answer bad = r.call("POST", path, Map.of("addon", Map.of("provider", "redis")));
          Answer notOffered =
              r.call(
                  "POST",
                  path,
                  Map.of(
                      "addon",
                      Map.of(
                          "provider", "postgresql", "plan", "enterprise-9000", "version", "15")));
          r.freeze(app);
          return answers(
              created,
              again,
              bad,
              unauthorized(r, "POST", path),
              r.call("POST", "/v1/apps/no-such-app/addons", body),
              notOffered,
              r.call(
                  "POST",
                  path,
                  Map.of(
                      "addon",
                      Map.of("provider", "redis", "plan", "starter-256", "version", "7"))));
        });
    s.put(
        "getAddon",
        (r, app) -> {
          String pgApp = appWithDatabase(r, app);
          String id =
              r.expect(200, "GET", "/v1/apps/" + pgApp + "/addons", null)
                  .at("/addons/0/id")
                  .asText();
          Answer ok = r.call("GET", "/v1/apps/" + pgApp + "/addons/" + id);
          assertTrue(
              ok.json().at("/addon/url").asText().startsWith("postgresql://"),
              "a postgresql addon shows its url");
          return answers(
              ok,
              unauthorized(r, "GET", "/v1/apps/" + pgApp + "/addons/" + id),
              r.call("GET", "/v1/apps/" + pgApp + "/addons/ad-none"));
        });
    s.put(
        "deprovisionAddon",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/addons";
          Map<String, Object> redis =
              Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7"));
          String first = r.expect(201, "POST", path, redis).at("/addon/id").asText();
          String second = r.expect(201, "POST", path, redis).at("/addon/id").asText();
          Answer ok = r.call("DELETE", path + "/" + first);
          Answer missing = r.call("DELETE", path + "/" + first);
          r.freeze(app);
          return answers(
              ok,
              unauthorized(r, "DELETE", path + "/" + second),
              missing,
              r.call("DELETE", path + "/" + second));
        });
    s.put(
        "getReplicationSource",
        (r, app) -> {
          String path = addonPath(r, appWithDatabase(r, app)) + "/replication-source";
          Answer ok = r.call("GET", path);
          assertEquals("logical", ok.json().at("/replication_source/wal_level").asText());
          assertFalse(ok.json().at("/replication_source/replication").asBoolean());
          return answers(
              ok,
              unauthorized(r, "GET", path),
              r.call("GET", "/v1/apps/" + app + "/addons/ad-none/replication-source"),
              r.call("GET", redisAddonPath(r, app) + "/replication-source"));
        });
    s.put(
        "allowReplicationSource",
        (r, app) -> {
          String path = addonPath(r, appWithDatabase(r, app)) + "/replication-source";
          r.freeze(app);
          Answer ok = r.call("PUT", path);
          assertTrue(ok.json().at("/replication_source/replication").asBoolean());
          return answers(
              ok,
              unauthorized(r, "PUT", path),
              r.call("PUT", "/v1/apps/no-such-app/addons/ad-none/replication-source"),
              r.call("PUT", redisAddonPath(r, app + "-cache") + "/replication-source"));
        });
    s.put(
        "disallowReplicationSource",
        (r, app) -> {
          Replicated pair = Replicated.start(r, app);
          String path = pair.sourcePath() + "/replication-source";
          Answer ok = r.call("DELETE", path);
          JsonNode after = r.expect(200, "GET", path, null).path("replication_source");
          assertFalse(after.path("replication").asBoolean(), "REPLICATION taken back");
          assertTrue(after.path("slots").isEmpty(), "no slot left: " + after);
          Map<Integer, Answer> answers =
              answers(
                  ok,
                  unauthorized(r, "DELETE", path),
                  r.call("DELETE", "/v1/apps/" + app + "/addons/ad-none/replication-source"),
                  r.call("DELETE", redisAddonPath(r, app) + "/replication-source"));
          pair.stop(r);
          return answers;
        });
    s.put(
        "replicateFrom",
        (r, app) -> {
          Replicated pair = Replicated.prepare(r, app);
          Map<String, Object> body = pair.body("sub_" + app.replace('-', '_'));
          String path = pair.destinationPath() + "/replication";
          Answer created = r.call("PUT", path, body);
          Answer again = r.call("PUT", path, body);
          Answer other = r.call("PUT", path, pair.body("another_subscription"));
          String unreachable = addonPath(r, appWithDatabase(r, app + "-far")) + "/replication";
          Map<String, Object> farBody =
              Map.of(
                  "replication",
                  Map.of(
                      "source_url", "postgresql://nobody:secret@127.0.0.1:1/nothing",
                      "publication", "p",
                      "subscription", "s",
                      "slot", "s"));
          Map<Integer, Answer> answers =
              answers(
                  created,
                  again,
                  r.call("PUT", path, Map.of("replication", Map.of("slot", "s"))),
                  unauthorized(r, "PUT", path),
                  r.call("PUT", "/v1/apps/" + app + "/addons/ad-none/replication", body),
                  other,
                  r.call("PUT", redisAddonPath(r, app) + "/replication", body),
                  r.call("PUT", unreachable, farBody));
          pair.stop(r);
          return answers;
        });
    s.put(
        "getReplication",
        (r, app) -> {
          Replicated pair = Replicated.start(r, app);
          String path = pair.destinationPath() + "/replication";
          Answer ok = r.call("GET", path);
          assertEquals("public.items", ok.json().at("/replication/tables/0/table").asText());
          Map<Integer, Answer> answers =
              answers(
                  ok,
                  unauthorized(r, "GET", path),
                  r.call("GET", pair.sourcePath() + "/replication"));
          pair.stop(r);
          return answers;
        });
    s.put(
        "pauseOrResumeReplication",
        (r, app) -> {
          Replicated pair = Replicated.start(r, app);
          String path = pair.destinationPath() + "/replication";
          Answer paused = r.call("PATCH", path, Map.of("replication", Map.of("enabled", false)));
          assertFalse(paused.json().at("/replication/enabled").asBoolean());
          assertEquals(0, paused.json().at("/replication/workers").asInt(), "workers gone");
          Map<Integer, Answer> answers =
              answers(
                  paused,
                  r.call("PATCH", path, Map.of("replication", Map.of("enabled", "no"))),
                  unauthorized(r, "PATCH", path),
                  r.call(
                      "PATCH",
                      pair.sourcePath() + "/replication",
                      Map.of("replication", Map.of("enabled", true))));
          pair.stop(r);
          return answers;
        });
    s.put(
        "stopReplication",
        (r, app) -> {
          Replicated pair = Replicated.start(r, app);
          String path = pair.destinationPath() + "/replication";
          Answer ok = r.call("DELETE", path);
          JsonNode source =
              r.expect(200, "GET", pair.sourcePath() + "/replication-source", null)
                  .path("replication_source");
          assertTrue(source.path("slots").isEmpty(), "the slot went with it: " + source);
          Map<Integer, Answer> answers =
              answers(
                  ok,
                  unauthorized(r, "DELETE", path),
                  r.call("DELETE", "/v1/apps/" + app + "/addons/ad-none/replication"));
          pair.stop(r);
          return answers;
        });
    s.put(
        "setRedirect",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/redirect";
          Map<String, Object> body =
              Map.of(
                  "redirect",
                  Map.of("to", "http://elsewhere.example.com/", "until", "2099-01-01T00:00:00Z"));
          return answers(
              r.call("PUT", path, body),
              r.call(
                  "PUT",
                  path,
                  Map.of(
                      "redirect",
                      Map.of("to", "http://elsewhere.example.com/", "until", "tomorrow"))),
              unauthorized(r, "PUT", path),
              r.call("PUT", "/v1/apps/no-such-app/redirect", body));
        });
    s.put(
        "removeRedirect",
        (r, app) -> {
          r.createApp(app);
          String path = "/v1/apps/" + app + "/redirect";
          return answers(
              r.call("DELETE", path),
              unauthorized(r, "DELETE", path),
              r.call("DELETE", "/v1/apps/no-such-app/redirect"));
        });
    s.put(
        "listAddonProviders",
        (r, app) ->
            answers(
                r.call("GET", "/v1/addon_providers"),
                unauthorized(r, "GET", "/v1/addon_providers")));
    s.put(
        "getSandboxFaults",
        (r, app) ->
            answers(r.call("GET", "/_sandbox/faults"), unauthorized(r, "GET", "/_sandbox/faults")));
    s.put(
        "setSandboxFaults",
        (r, app) ->
            answers(
                r.call("PUT", "/_sandbox/faults", Map.of("faults", Map.of())),
                r.call("PUT", "/_sandbox/faults", Map.of("faults", Map.of("error_rate", 2))),
                unauthorized(r, "PUT", "/_sandbox/faults")));
    return s;
  }

  private static Map<Integer, Answer> listScenario(SandboxFixture r, String app, String what) {
    r.createApp(app);
    String path = "/v1/apps/" + app + "/" + what;
    return answers(
        r.call("GET", path),
        unauthorized(r, "GET", path),
        r.call("GET", "/v1/apps/no-such-app/" + what));
  }

  /** An app with one postgresql addon, hence generated variables. */
  private static String appWithDatabase(SandboxFixture r, String app) {
    r.createApp(app);
    r.expect(201, "POST", "/v1/apps/" + app + "/addons", SandboxFixture.postgresqlAddon());
    return app;
  }

  /** The path of the app's first addon. */
  private static String addonPath(SandboxFixture r, String app) {
    String id =
        r.expect(200, "GET", "/v1/apps/" + app + "/addons", null).at("/addons/0/id").asText();
    return "/v1/apps/" + app + "/addons/" + id;
  }

  /** The path of a new redis addon of the app (created if absent). */
  private static String redisAddonPath(SandboxFixture r, String app) {
    if (r.call("GET", "/v1/apps/" + app).status() == 404) {
      r.createApp(app);
    }
    String id =
        r.expect(
                201,
                "POST",
                "/v1/apps/" + app + "/addons",
                Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7")))
            .at("/addon/id")
            .asText();
    return "/v1/apps/" + app + "/addons/" + id;
  }

  /**
   * A source addon allowed to replicate, with a table {@code items}, its publication and its slot
   * made by its owner, and a destination addon; {@link #start} also subscribes.
   */
  private record Replicated(String sourcePath, String destinationPath, String url, String name) {

    static Replicated prepare(SandboxFixture r, String app) {
      String sourcePath = addonPath(r, appWithDatabase(r, app + "-src"));
      String destinationPath = addonPath(r, appWithDatabase(r, app));
      r.expect(200, "PUT", sourcePath + "/replication-source", null);
      String url = r.expect(200, "GET", sourcePath, null).at("/addon/url").asText();
      String name = "rm_" + app.replace('-', '_');
      PostgresServer owner = PostgresServer.fromUrl(url);
      try (Connection c = owner.connect(PostgresServer.databaseOf(url));
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE items (id int PRIMARY KEY, label text)");
        st.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        st.execute("CREATE PUBLICATION " + name + " FOR TABLE items");
        st.execute("SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      try (Connection c =
              PostgresServer.fromUrl(
                      r.expect(200, "GET", destinationPath, null).at("/addon/url").asText())
                  .connect(
                      PostgresServer.databaseOf(
                          r.expect(200, "GET", destinationPath, null).at("/addon/url").asText()));
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE items (id int PRIMARY KEY, label text)");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return new Replicated(sourcePath, destinationPath, url, name);
    }

    static Replicated start(SandboxFixture r, String app) {
      Replicated pair = prepare(r, app);
      r.expect(201, "PUT", pair.destinationPath() + "/replication", pair.body(pair.name()));
      return pair;
    }

    Map<String, Object> body(String subscription) {
      return Map.of(
          "replication",
          Map.of(
              "source_url", url,
              "publication", name,
              "subscription", subscription,
              "slot", name,
              "copy_data", true));
    }

    /** Drops the subscription and every slot, as a migration's end does. */
    void stop(SandboxFixture r) {
      r.expect(204, "DELETE", destinationPath + "/replication", null);
      r.expect(204, "DELETE", sourcePath + "/replication-source", null);
    }
  }

  private static Answer unauthorized(SandboxFixture r, String method, String path) {
    return r.callAs("wrong-token", method, path, null);
  }

  private static Map<String, Object> variables(String name, String value) {
    return Map.of("variables", List.of(Map.of("name", name, "value", value)));
  }

  private static Map<Integer, Answer> answers(Answer... answers) {
    Map<Integer, Answer> byStatus = new LinkedHashMap<>();
    for (Answer answer : answers) {
      Answer previous = byStatus.put(answer.status(), answer);
      if (previous != null) {
        fail(
            "two answers of the scenario have status "
                + answer.status()
                + ": "
                + previous
                + " and "
                + answer);
      }
    }
    return byStatus;
  }

  private static synchronized String newAppName() {
    return "contract-" + (++counter);
  }

  // ---- reading the document

  record Operation(String path, String method, String id, JsonNode responses) {}

  private static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    spec.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                METHODS.forEach(
                    method -> {
                      JsonNode op = path.getValue().get(method);
                      if (op != null) {
                        ops.add(
                            new Operation(
                                path.getKey(),
                                method,
                                op.path("operationId").asText(),
                                op.path("responses")));
                      }
                    }));
    return ops;
  }

  private static JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      assertTrue(ref.startsWith("#/"), "local reference " + ref);
      node = spec.at(ref.substring(1));
      assertFalse(node.isMissingNode(), "reference " + ref + " resolves");
    }
    return node;
  }

  /** Checks required properties, types, enums and nullability, recursively. */
  private static void validate(
      JsonNode schema, JsonNode value, String where, List<String> problems) {
    schema = resolve(schema);
    if (value == null || value.isMissingNode()) {
      problems.add(where + " is missing");
      return;
    }
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(where + " is null but not nullable");
      }
      return;
    }
    if (schema.has("allOf")) {
      for (JsonNode part : schema.get("allOf")) {
        validate(part, value, where, problems);
      }
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          problems.add(where + " is not an object");
          return;
        }
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            problems.add(where + "." + required.asText() + " is required");
          }
        }
        Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        while (properties.hasNext()) {
          Map.Entry<String, JsonNode> property = properties.next();
          if (value.has(property.getKey())) {
            validate(
                property.getValue(),
                value.get(property.getKey()),
                where + "." + property.getKey(),
                problems);
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          problems.add(where + " is not an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          validate(schema.path("items"), value.get(i), where + "[" + i + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(where + " is not a string");
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(where + " is not a boolean");
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(where + " is not a number");
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(where + " is not an integer");
        }
      }
      default -> {}
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.asText().equals(value.asText());
      }
      if (!listed) {
        problems.add(where + " = " + value + " is not one of " + schema.get("enum"));
      }
    }
  }
}
