package io.regionmove.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.MigrationSettings;
import io.regionmove.sandbox.SampleApp;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A migration's whole world for one test class, as on a person's machine: the Temporal CLI's dev
 * server (SQLite file, Temporal Web), two sandbox regions ({@value #SOURCE}, {@value #DESTINATION})
 * on the test PostgreSQL server, their regions file, and workers run from the shaded jar ({@code
 * regionmove worker}). Migrations are driven through {@link MigrationClient}, as the CLI does.
 */
final class MigrationStack implements AutoCloseable {

  static final String SOURCE = "agora-fr1";
  static final String DESTINATION = "osc-fr1";

  /** Short, so that a killed worker's data activity is retried within seconds. */
  static final MigrationSettings QUICK_RETRIES =
      new MigrationSettings(null, null, Duration.ofSeconds(4));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicInteger workers = new AtomicInteger();
  private Path dir;
  private TemporalCliDevServer server;
  private WorkflowClient client;
  private SandboxRegion source;
  private SandboxRegion destination;
  private Path regionsFile;

  private MigrationStack() {}

  static MigrationStack start(String name) {
    MigrationStack stack = new MigrationStack();
    try {
      stack.startAll(name);
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(String name) {
    dir = newDirectory(name);
    server = TemporalCliDevServer.start(dir);
    resources.add(server);
    client = connect(Duration.ofSeconds(60));
    source = region(SOURCE, LocalPostgres.forTests(SOURCE));
    destination = region(DESTINATION, LocalPostgres.forTests(DESTINATION));
    regionsFile = dir.resolve("regions.json");
    Regions.of(config(source), config(destination)).write(regionsFile);
  }

  private SandboxRegion region(String name, PostgresServer postgres) {
    SandboxRegion region =
        SandboxRegion.start(SandboxOptions.defaults(name, 0, dir.resolve("regions"), postgres));
    resources.add(region);
    return region;
  }

  private static RegionConfig config(SandboxRegion region) {
    return new RegionConfig(
        region.name(),
        region.apiUrl(),
        region.token(),
        "http://" + region.name() + ".localhost:" + region.port());
  }

  /**
   * A client once the server answers and its default namespace exists (the server may be
   * restarting).
   */
  private WorkflowClient connect(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      server.checkAlive();
      WorkflowClient connected = null;
      try {
        connected = TemporalClients.connect(server.address(), TemporalClients.DEFAULT_NAMESPACE);
        connected
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder()
                    .setNamespace(TemporalClients.DEFAULT_NAMESPACE)
                    .build());
        WorkflowClient ready = connected;
        resources.add(() -> ready.getWorkflowServiceStubs().shutdownNow());
        return ready;
      } catch (TemporalUnreachableException | StatusRuntimeException e) {
        if (connected != null) {
          connected.getWorkflowServiceStubs().shutdownNow();
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(
              "the dev server did not answer within " + timeout + ": " + e + "\n" + server.log());
        }
        sleep(Duration.ofMillis(300));
      }
    }
  }

  // ---- Temporal -----------------------------------------------------------------------------

  TemporalCliDevServer server() {
    return server;
  }

  WorkflowClient client() {
    return client;
  }

  /** The client API the CLI uses; its local index is this stack's own. */
  MigrationClient migrations() {
    return new MigrationClient(client, new MigrationIndex(dir.resolve("migrations.json")));
  }

  /** A client API whose local index does not exist: it can only list through visibility queries. */
  MigrationClient migrationsWithoutIndex() {
    return new MigrationClient(
        client, new MigrationIndex(dir.resolve("no-index").resolve("migrations.json")));
  }

  /** SIGKILLs the dev server; {@link #restartServer} brings it back on the same file and ports. */
  void killServer() {
    server.kill();
  }

  void restartServer() {
    client.getWorkflowServiceStubs().shutdownNow();
    server.launch();
    client = connect(Duration.ofSeconds(90));
  }

  // ---- workers ------------------------------------------------------------------------------

  /** {@code regionmove worker} from the shaded jar, polling every queue of both regions. */
  WorkerJarProcess startWorker() {
    int n = workers.incrementAndGet();
    Path home = dir.resolve("worker-" + n);
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WorkerJarProcess worker =
        WorkerJarProcess.start(
            jar(),
            Map.of(
                Regions.ENV,
                regionsFile.toString(),
                "REGIONMOVE_BACKUP_DIR",
                dir.resolve("backups").toString(),
                "REGIONMOVE_HOME",
                home.toString(),
                "TEMPORAL_ADDRESS",
                server.address(),
                "TEMPORAL_NAMESPACE",
                TemporalClients.DEFAULT_NAMESPACE),
            dir.resolve("worker-" + n + ".log"));
    resources.add(worker);
    return worker.awaitStarted(Duration.ofSeconds(60));
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("regionmove.jar", "target/regionmove.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("the shaded jar " + jar + " is missing; run mvn verify");
    }
    return jar;
  }

  // ---- regions ------------------------------------------------------------------------------

  /**
   * Seeds the sample app in the source region, plus {@code extraEvents} rows so that a copy takes
   * seconds.
   */
  void seed(String app, int rows, int extraEvents) {
    SampleApp.seed(source.apiUrl(), source.token(), app, rows);
    if (extraEvents > 0) {
      DatabaseFingerprint.addEvents(databaseUrl(source, app), extraEvents);
    }
  }

  SandboxRegion source() {
    return source;
  }

  SandboxRegion destination() {
    return destination;
  }

  /** The connection URL of the app's one postgresql addon (a secret: for assertions only). */
  String databaseUrl(SandboxRegion region, String app) {
    List<String> urls = new ArrayList<>();
    for (JsonNode addon : get(region, "/v1/apps/" + app + "/addons").path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        String id = addon.path("id").asText();
        urls.add(
            get(region, "/v1/apps/" + app + "/addons/" + id).path("addon").path("url").asText());
      }
    }
    if (urls.size() != 1) {
      throw new AssertionError(
          app + " in " + region.name() + " has " + urls.size() + " postgresql addons");
    }
    return urls.get(0);
  }

  private static JsonNode get(SandboxRegion region, String path) {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
                  .header("Authorization", "Bearer " + region.token())
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new AssertionError(
            "GET "
                + path
                + " in "
                + region.name()
                + ": "
                + answer.statusCode()
                + " "
                + answer.body());
      }
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        System.err.println("closing " + resources.get(i) + " failed: " + e);
      }
    }
    resources.clear();
  }

  /**
   * A directory under target/ that the postgres user can reach (the regions' state, logs, the
   * SQLite file).
   */
  static Path newDirectory(String name) {
    try {
      Path dir = Path.of("target", name + "-" + System.currentTimeMillis()).toAbsolutePath();
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
