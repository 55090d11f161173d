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
 * without Docker: the stack's services and images (tags of the published patterns, the server
 * version {@code deploy/temporal-cluster.sh} builds), the server configuration (the template the
 * cluster script renders), the order services start in, the ports a person opens, the search
 * attributes created, and that every regionmove command the compose file runs is one the executable
 * accepts.
 */
class DockerComposeTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String REGIONMOVE_IMAGE = "regionmove:dev";
  private static final String CLUSTER_SCRIPT = "deploy/temporal-cluster.sh";
  private static final String TEMPLATE = "deploy/temporal/config_template.yaml";

  /** temporalio/admin-tools tags since 1.24: server, tctl and temporal CLI versions. */
  private static final Pattern ADMIN_TOOLS_TAG =
      Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)-tctl-\\d+\\.\\d+\\.\\d+-cli-\\d+\\.\\d+\\.\\d+");

  /**
   * The Temporal CLI release CI installs, and the ui-server it bundles (its `temporal --version`
   * reads "Server 1.29.1, UI 2.42.1"): Temporal Web in compose is the one `regionmove dev` shows.
   */
  private static final String CLI_VERSION = "1.5.1";

  private static final String CLI_BUNDLED_UI = "2.42.1";

  private static Path root;
  private static JsonNode services;

  @BeforeAll
  static void readComposeFile() throws IOException {
    root = repositoryRoot();
    services = YAML.readTree(root.resolve("docker-compose.yml").toFile()).path("services");
    assertTrue(services.isObject() && services.size() > 0, "docker-compose.yml has services");
  }

  @Test
  void theStackHasTemporalOnPostgresqlItsWebUiAWorkerPerRegionTwoRegionsAndTheSampleApp() {
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
                "worker-agora-fr1",
                "worker-osc-fr1")),
        names);
  }

  @Test
  void theServerImageIsTheVersionTheClusterScriptBuilds() throws IOException {
    String server = image("temporal");
    assertTrue(server.startsWith("temporalio/server:"), server);
    assertTrue(tag(server).matches("\\d+\\.\\d+\\.\\d+"), "a release tag: " + server);
    Matcher version =
        Pattern.compile("(?m)^TEMPORAL_VERSION=(\\S+)$")
            .matcher(Files.readString(root.resolve(CLUSTER_SCRIPT)));
    assertTrue(version.find(), CLUSTER_SCRIPT + " names the version it builds");
    assertEquals(version.group(1), tag(server));
    services.forEach(
        service ->
            assertFalse(
                service.path("image").asText().contains("auto-setup"), "auto-setup is deprecated"));
  }

  @Test
  void adminToolsHasAFullPublishedTagOfTheServersMinorVersion() {
    String[] server = tag(image("temporal")).split("\\.");
    for (String job : List.of("temporal-schema", "temporal-setup")) {
      String image = image(job);
      assertTrue(image.startsWith("temporalio/admin-tools:"), image);
      Matcher tag = ADMIN_TOOLS_TAG.matcher(tag(image));
      assertTrue(tag.matches(), "server-tctl-cli tag: " + image);
      assertEquals(server[0] + "." + server[1], tag.group(1) + "." + tag.group(2), image);
      assertTrue(
          Integer.parseInt(tag.group(3)) <= Integer.parseInt(server[2]),
          "the schema tools are not newer than the server: " + image);
    }
    assertEquals(image("temporal-schema"), image("temporal-setup"));
  }

  @Test
  void temporalWebIsTheUiTheCliBundles() throws IOException {
    assertTrue(
        Files.readString(root.resolve(".ci/run"))
            .contains("github.com/temporalio/cli/cmd/temporal@v" + CLI_VERSION),
        ".ci/run installs the Temporal CLI " + CLI_VERSION);
    assertEquals("temporalio/ui:" + CLI_BUNDLED_UI, image("temporal-ui"));
  }

  @Test
  void theServerRendersTheTemplateTheClusterScriptRendersForEachNode() throws IOException {
    JsonNode temporal = service("temporal");
    assertTrue(strings(temporal.path("volumes")).contains("./deploy:/deploy:ro"));
    List<String> entrypoint = strings(temporal.path("entrypoint"));
    assertEquals(List.of("/bin/sh", "/deploy/temporal/docker-node.sh"), entrypoint);
    String node = Files.readString(root.resolve("deploy/temporal/docker-node.sh"));
    String cluster = Files.readString(root.resolve(CLUSTER_SCRIPT));
    assertTrue(
        node.contains("render-config.sh\" \"$here/config_template.yaml\""),
        "docker-node.sh renders " + TEMPLATE);
    assertTrue(
        cluster.contains("template=\"$here/temporal/config_template.yaml\"")
            && cluster.contains("sh \"$here/temporal/render-config.sh\" \"$template\""),
        CLUSTER_SCRIPT + " renders " + TEMPLATE);

    // Every placeholder of the template has a value on both sides.
    Set<String> placeholders = new TreeSet<>();
    Matcher placeholder =
        Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}")
            .matcher(Files.readString(root.resolve(TEMPLATE)));
    while (placeholder.find()) {
      placeholders.add(placeholder.group(1));
    }
    assertTrue(placeholders.contains("FRONTEND_GRPC_PORT"), placeholders.toString());
    Set<String> composeSide = new TreeSet<>();
    temporal.path("environment").fieldNames().forEachRemaining(composeSide::add);
    Matcher defaulted = Pattern.compile(":\\s*\"\\$\\{([A-Z_][A-Z0-9_]*)(:=|:\\?)").matcher(node);
    while (defaulted.find()) {
      composeSide.add(defaulted.group(1));
    }
    Set<String> clusterSide = new TreeSet<>();
    int renderStart = cluster.indexOf("render_node_config() {");
    assertTrue(renderStart >= 0, CLUSTER_SCRIPT + " has render_node_config");
    String render =
        cluster.substring(renderStart, cluster.indexOf("render-config.sh", renderStart));
    Matcher assigned = Pattern.compile("\\b([A-Z_][A-Z0-9_]*)=").matcher(render);
    while (assigned.find()) {
      clusterSide.add(assigned.group(1));
    }
    for (String name : placeholders) {
      assertTrue(composeSide.contains(name), "docker-compose.yml gives no value to " + name);
      assertTrue(clusterSide.contains(name), CLUSTER_SCRIPT + " gives no value to " + name);
    }
    assertEquals(
        "temporal-postgresql:5432", temporal.path("environment").path("POSTGRES_ADDRESS").asText());
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
    for (String worker : List.of("worker-agora-fr1", "worker-osc-fr1")) {
      assertDependsOn(worker, "temporal-setup", "service_completed_successfully");
      assertDependsOn(worker, "agora-fr1", "service_started");
      assertDependsOn(worker, "osc-fr1", "service_started");
    }
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
        List.of("/bin/sh", "/deploy/temporal/setup.sh"),
        strings(service("temporal-setup").path("entrypoint")));
    String script = Files.readString(root.resolve("deploy/temporal/setup.sh"));
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
    for (String job : List.of("temporal-schema", "temporal", "temporal-setup")) {
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
  void eachRegionHasItsWorkerAndTheRegionsFileNamesTheRegionServices() {
    Set<String> served = new TreeSet<>();
    for (String name : List.of("worker-agora-fr1", "worker-osc-fr1")) {
      JsonNode worker = service(name);
      assertTrue(strings(worker.path("volumes")).contains("./deploy:/deploy:ro"));
      assertTrue(
          strings(worker.path("volumes")).contains("backups:/home/regionmove/backups"),
          name + " shares the backup volume");
      assertEquals(
          "/home/regionmove/backups",
          worker.path("environment").path("REGIONMOVE_BACKUP_DIR").asText());
      String file = worker.path("environment").path(Regions.ENV).asText();
      assertTrue(file.startsWith("/deploy/"), file);
      Regions regions = Regions.load(root.resolve(file.substring(1)));
      assertEquals(List.of("agora-fr1", "osc-fr1"), regions.names());
      for (String region : regions.names()) {
        RegionConfig config = regions.get(region);
        URI api = URI.create(config.apiUrl());
        assertEquals(
            region, api.getHost(), "the worker reaches " + region + " by its service name");
        List<String> command = strings(service(region).path("command"));
        assertEquals(
            Integer.toString(api.getPort()), optionValue(command, "--port"), region + "'s port");
        assertEquals(config.token(), optionValue(command, "--token"), region + "'s token");
        assertEquals(region, optionValue(command, "--region"));
      }
      String region = optionValue(strings(worker.path("command")), "--regions");
      assertEquals("worker-" + region, name);
      served.add(region);
      assertEquals("temporal:7233", worker.path("environment").path("TEMPORAL_ADDRESS").asText());
    }
    assertEquals(Set.of("agora-fr1", "osc-fr1"), served);
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
    assertEquals(
        List.of("agora-fr1", "osc-fr1", "seed", "worker-agora-fr1", "worker-osc-fr1"), checked);
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
