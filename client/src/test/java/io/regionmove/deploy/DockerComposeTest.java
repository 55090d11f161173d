package io.regionmove.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.cli.RegionmoveCli;
import io.regionmove.workflows.MigrationSearchAttributes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code docker-compose.yml}, its scripts under {@code deploy/} and the {@code Dockerfile}, read
 * without Docker: the stack's services and images, the order they start in, the ports a person
 * opens, the search attributes created, and that every regionmove command the compose file runs is
 * one the executable accepts.
 */
class DockerComposeTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String REGIONMOVE_IMAGE = "regionmove:dev";

  private static Path root;
  private static JsonNode services;

  @BeforeAll
  static void readComposeFile() throws IOException {
    root = repositoryRoot();
    services = YAML.readTree(root.resolve("docker-compose.yml").toFile()).path("services");
    assertTrue(services.isObject() && services.size() > 0, "docker-compose.yml has services");
  }

  @Test
  void theStackHasTemporalOnPostgresqlItsWebUiTheWorkerTwoRegionsAndTheSampleApp() {
    Set<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertEquals(
        new TreeSet<>(
            List.of(
                "temporal-postgresql",
                "temporal-schema",
                "temporal",
                "temporal-setup",
                "temporal-ui",
                "regions-postgresql",
                "agora-fr1",
                "osc-fr1",
                "seed",
                "worker")),
        names);
  }

  @Test
  void temporalRunsFromTheCurrentServerAndAdminToolsImagesNotAutoSetup() {
    String server = image("temporal");
    assertTrue(server.startsWith("temporalio/server:"), server);
    assertTrue(
        image("temporal-schema").startsWith("temporalio/admin-tools:"), image("temporal-schema"));
    assertTrue(
        image("temporal-setup").startsWith("temporalio/admin-tools:"), image("temporal-setup"));
    assertTrue(image("temporal-ui").startsWith("temporalio/ui:"), image("temporal-ui"));
    assertTrue(
        tag(image("temporal-schema")).startsWith(tag(server)),
        "the schema tools match the server version " + tag(server));
    services.forEach(
        service ->
            assertFalse(
                service.path("image").asText().contains("auto-setup"), "auto-setup is deprecated"));
    assertEquals("postgres12", service("temporal").path("environment").path("DB").asText());
    assertEquals(
        "temporal-postgresql",
        service("temporal").path("environment").path("POSTGRES_SEEDS").asText());
  }

  @Test
  void portsAreTemporalsGrpcAndWebUiAndTheTwoRegions() {
    assertTrue(ports("temporal").contains("7233:7233"), "Temporal gRPC: " + ports("temporal"));
    String uiPort =
        service("temporal-ui").path("environment").path("TEMPORAL_UI_PORT").asText("8080");
    assertTrue(
        ports("temporal-ui").contains("8233:" + uiPort),
        "Temporal Web on 8233: " + ports("temporal-ui"));
    assertTrue(ports("agora-fr1").contains("8701:8701"), ports("agora-fr1").toString());
    assertTrue(ports("osc-fr1").contains("8702:8702"), ports("osc-fr1").toString());
  }

  @Test
  void servicesStartInOrderSchemaThenServerThenSetupThenWorker() {
    assertDependsOn("temporal-schema", "temporal-postgresql", "service_healthy");
    assertDependsOn("temporal", "temporal-schema", "service_completed_successfully");
    assertDependsOn("temporal-setup", "temporal", "service_healthy");
    assertDependsOn("temporal-ui", "temporal", "service_healthy");
    assertDependsOn("agora-fr1", "regions-postgresql", "service_healthy");
    assertDependsOn("osc-fr1", "regions-postgresql", "service_healthy");
    assertDependsOn("worker", "temporal-setup", "service_completed_successfully");
    assertDependsOn("worker", "agora-fr1", "service_started");
    assertDependsOn("worker", "osc-fr1", "service_started");
    assertDependsOn("seed", "agora-fr1", "service_started");
  }

  @Test
  void everyDependencyExistsAndAHealthyConditionHasAHealthcheck() {
    services
        .fields()
        .forEachRemaining(
            entry ->
                entry
                    .getValue()
                    .path("depends_on")
                    .fields()
                    .forEachRemaining(
                        dependency -> {
                          String target = dependency.getKey();
                          assertTrue(
                              services.has(target),
                              entry.getKey() + " depends on a missing service " + target);
                          if ("service_healthy"
                              .equals(dependency.getValue().path("condition").asText())) {
                            assertTrue(
                                service(target).path("healthcheck").has("test"),
                                entry.getKey()
                                    + " waits for "
                                    + target
                                    + " to be healthy, which has no healthcheck");
                          }
                        }));
  }

  @Test
  void theSetupJobCreatesExactlyTheWorkflowsSearchAttributesAsKeywords() throws IOException {
    assertEquals(
        List.of("/bin/sh", "/deploy/temporal-setup.sh"),
        strings(service("temporal-setup").path("entrypoint")));
    String script = Files.readString(root.resolve("deploy/temporal-setup.sh"));
    Matcher loop = Pattern.compile("for name in ([A-Za-z ]+); do").matcher(script);
    assertTrue(loop.find(), "temporal-setup.sh loops over the search attribute names");
    Set<String> created = new TreeSet<>(List.of(loop.group(1).trim().split("\\s+")));
    Set<String> expected = new TreeSet<>();
    MigrationSearchAttributes.ALL.forEach(key -> expected.add(key.getName()));
    assertEquals(expected, created);
    assertTrue(
        script.contains("search-attribute create") && script.contains("--type Keyword"), script);
    assertTrue(script.contains("--name \"$name\""), script);
  }

  @Test
  void theJobsScriptsAreInTheMountedDeployDirectory() {
    for (String job : List.of("temporal-schema", "temporal-setup")) {
      assertTrue(
          strings(service(job).path("volumes")).contains("./deploy:/deploy:ro"),
          job + " mounts ./deploy");
      String script = strings(service(job).path("entrypoint")).get(1);
      assertTrue(script.startsWith("/deploy/"), script);
      assertTrue(
          Files.isRegularFile(root.resolve(script.substring(1))),
          script + " exists in the repository");
    }
  }

  @Test
  void theWorkersRegionsFileLoadsAndNamesTheTwoRegionServices() {
    JsonNode worker = service("worker");
    assertTrue(strings(worker.path("volumes")).contains("./deploy:/deploy:ro"));
    String file = worker.path("environment").path(Regions.ENV).asText();
    assertTrue(file.startsWith("/deploy/"), file);
    Regions regions = Regions.load(root.resolve(file.substring(1)));
    assertEquals(List.of("agora-fr1", "osc-fr1"), regions.names());
    for (String name : regions.names()) {
      RegionConfig region = regions.get(name);
      URI api = URI.create(region.apiUrl());
      assertEquals(name, api.getHost(), "the worker reaches " + name + " by its service name");
      List<String> command = strings(service(name).path("command"));
      assertEquals(
          Integer.toString(api.getPort()), optionValue(command, "--port"), name + "'s port");
      assertEquals(region.token(), optionValue(command, "--token"), name + "'s token");
      assertEquals(name, optionValue(command, "--region"));
    }
    assertEquals("temporal:7233", worker.path("environment").path("TEMPORAL_ADDRESS").asText());
  }

  @Test
  void everyRegionmoveCommandOfTheComposeFileIsAcceptedByTheExecutable() {
    List<String> checked = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            entry -> {
              if (!REGIONMOVE_IMAGE.equals(entry.getValue().path("image").asText())) {
                return;
              }
              List<String> command = strings(entry.getValue().path("command"));
              ParseResult parsed;
              try {
                String[] args = command.toArray(String[]::new);
                parsed = RegionmoveCli.commandLine(args).parseArgs(args);
              } catch (ParameterException e) {
                fail(
                    entry.getKey()
                        + ": regionmove "
                        + String.join(" ", command)
                        + " is refused: "
                        + e.getMessage());
                return;
              }
              assertTrue(parsed.hasSubcommand(), entry.getKey() + " runs a subcommand");
              assertEquals(command.get(0), parsed.subcommand().commandSpec().name());
              checked.add(entry.getKey());
            });
    assertEquals(List.of("agora-fr1", "osc-fr1", "seed", "worker"), checked);
    assertEquals(
        ".",
        service("agora-fr1").path("build").asText(),
        "one service builds the image from the Dockerfile");
  }

  @Test
  void theDockerfileCopiesTheShadedJarTheBuildProduces() throws IOException {
    String pom = Files.readString(root.resolve("client/pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find(), "client/pom.xml names the shaded jar");
    String jar = "client/target/" + finalName.group(1) + ".jar";

    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    Matcher copy = Pattern.compile("COPY --from=build /src/(\\S+) (\\S+)").matcher(dockerfile);
    assertTrue(copy.find(), "the Dockerfile copies the jar from the build stage");
    assertEquals(jar, copy.group(1));
    assertTrue(
        dockerfile.contains("\"-jar\", \"" + copy.group(2) + "\""),
        "the entrypoint runs " + copy.group(2));

    String rootPom = Files.readString(root.resolve("pom.xml"));
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
    while (module.find()) {
      String modulePom = module.group(1) + "/pom.xml";
      assertTrue(
          dockerfile.contains("COPY " + modulePom + " " + module.group(1) + "/"),
          "the Dockerfile copies " + modulePom);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static JsonNode service(String name) {
    JsonNode service = services.path(name);
    assertTrue(service.isObject(), "service " + name);
    return service;
  }

  private static String image(String name) {
    return service(name).path("image").asText();
  }

  private static String tag(String image) {
    return image.substring(image.lastIndexOf(':') + 1);
  }

  private static List<String> ports(String name) {
    return strings(service(name).path("ports"));
  }

  private static void assertDependsOn(String service, String dependency, String condition) {
    JsonNode on = service(service).path("depends_on").path(dependency);
    assertFalse(on.isMissingNode(), service + " depends on " + dependency);
    assertEquals(condition, on.path("condition").asText(), service + " waits for " + dependency);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static String optionValue(List<String> command, String option) {
    int i = command.indexOf(option);
    assertTrue(i >= 0 && i + 1 < command.size(), option + " in " + command);
    return command.get(i + 1);
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
        return dir;
      }
    }
    throw new AssertionError("docker-compose.yml not found above " + Path.of("").toAbsolutePath());
  }
}
