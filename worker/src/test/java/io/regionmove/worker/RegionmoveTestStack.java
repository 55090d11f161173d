package io.regionmove.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.SampleApp;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a migration needs, on loopback, for one test class: Temporal's test server bound to a
 * free port (real time; or a real dev server, {@link #startOnDevServer()}), two sandbox regions
 * ({@value #SOURCE}, {@value #DESTINATION}) each with its own test PostgreSQL cluster, their
 * regions file, a backup directory and a client with the search attributes registered. No worker
 * runs until a test starts one ({@link #startWorker()} in this JVM, {@link #startWorkerProcess()}
 * in another). Without PostgreSQL, {@link #start()} throws, so the tests fail rather than skip.
 */
public final class RegionmoveTestStack implements AutoCloseable {

  public static final String SOURCE = "agora-fr1";
  public static final String DESTINATION = "osc-fr1";
  public static final String NAMESPACE = "default";

  /** Set to true to keep the stack's directory (regions file, backups, logs) after the tests. */
  public static final String KEEP_PROPERTY = "regionmove.it.keep";

  /** Short, so a killed worker's data activity is retried within seconds. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(RegionmoveTestStack.class);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Path dir;
  private String temporalAddress;
  private WorkflowClient client;
  private final java.util.Map<String, PostgresServer> postgres = new java.util.HashMap<>();
  private SandboxRegion source;
  private SandboxRegion destination;
  private Regions regions;
  private Path regionsFile;
  private Path backupDir;

  private RegionmoveTestStack() {}

  /** On Temporal's Java test server, in this JVM. */
  public static RegionmoveTestStack start() {
    return start(false);
  }

  /**
   * On a real Temporal server ({@code temporal server start-dev}), for tests that kill workers:
   * only a real server moves a dead worker's sticky workflow tasks back to the shared queue.
   */
  public static RegionmoveTestStack startOnDevServer() {
    return start(true);
  }

  private static RegionmoveTestStack start(boolean devServer) {
    RegionmoveTestStack stack = new RegionmoveTestStack();
    try {
      stack.startAll(devServer);
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(boolean devServer) {
    try {
      dir = Files.createTempDirectory("regionmove-it");
      backupDir = Files.createDirectories(dir.resolve("backups"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    postgres.put(SOURCE, LocalPostgres.forTests(SOURCE));
    postgres.put(DESTINATION, LocalPostgres.forTests(DESTINATION));

    if (devServer) {
      TemporalDevServer server = TemporalDevServer.start(dir);
      resources.add(server);
      temporalAddress = server.address();
      client =
          TemporalDevServer.untilUp(
              server,
              () -> TemporalClients.connect(temporalAddress, NAMESPACE),
              Duration.ofSeconds(60));
    } else {
      int port = TemporalDevServer.freePort();
      resources.add(TestServer.createPortBoundServer(port));
      temporalAddress = "127.0.0.1:" + port;
      client = TemporalClients.connect(temporalAddress, NAMESPACE);
    }
    resources.add(() -> client.getWorkflowServiceStubs().shutdownNow());
    TemporalClients.registerSearchAttributes(client);

    source = startRegion(SOURCE);
    destination = startRegion(DESTINATION);
    regions = Regions.of(config(source), config(destination));
    regionsFile = dir.resolve("regions.json");
    regions.write(regionsFile);
    log.info(
        "Test stack: Temporal on {}, {} on {}, {} on {}, state in {}",
        temporalAddress(),
        SOURCE,
        source.apiUrl(),
        DESTINATION,
        destination.apiUrl(),
        dir);
  }

  private SandboxRegion startRegion(String name) {
    SandboxRegion region =
        SandboxRegion.start(
            SandboxOptions.defaults(name, 0, dir.resolve("regions"), postgres.get(name))
                .withToken(randomToken()));
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

  // ---- workers ------------------------------------------------------------------------------

  /** A worker in this JVM for every region; closed with the stack. */
  public RegionmoveWorker startWorker() {
    return startWorker(List.of());
  }

  /** A worker in this JVM whose activities pass through {@code interceptors}. */
  public RegionmoveWorker startWorker(
      List<io.temporal.common.interceptors.WorkerInterceptor> interceptors) {
    RegionmoveWorker worker =
        RegionmoveWorker.start(
            client, regions, new RegionmoveWorker.Options(Set.of(), backupDir, interceptors));
    resources.add(worker);
    return worker;
  }

  /**
   * A worker in a separate JVM ({@link WorkerMain}), logging to a file in the stack's directory.
   */
  public WorkerProcess startWorkerProcess() {
    WorkerProcess process = WorkerProcess.start(this);
    resources.add(process);
    return process;
  }

  // ---- apps and migrations ------------------------------------------------------------------

  /** Seeds the sample app {@code app} with {@code rows} rows in the source region. */
  public void seedSourceApp(String app, int rows) {
    SampleApp.seed(source.apiUrl(), source.token(), app, rows);
  }

  /**
   * Starts a migration of {@code app} from the source to the destination; returns its typed stub.
   */
  public AppMigrationWorkflow startMigration(String app) {
    String id = UUID.randomUUID().toString();
    MigrationRequest request =
        new MigrationRequest(
            id,
            app,
            app,
            SOURCE,
            DESTINATION,
            new MigrationSettings(null, null, HEARTBEAT_TIMEOUT));
    AppMigrationWorkflow stub =
        client.newWorkflowStub(
            AppMigrationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .build());
    WorkflowClient.start(stub::run, request);
    return stub;
  }

  /** Polls the {@code status} query until {@code done} holds; fails after {@code timeout}. */
  public static Migration awaitStatus(
      AppMigrationWorkflow stub, Predicate<Migration> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Migration last = null;
    while (Instant.now().isBefore(deadline)) {
      last = stub.status();
      if (done.test(last)) {
        return last;
      }
      sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("timed out after " + timeout + "; last status: " + last);
  }

  /** Waits for preflight to end and fails unless it passed. */
  public static Migration awaitPreflightSuccess(AppMigrationWorkflow stub) {
    Migration m =
        awaitStatus(
            stub,
            s -> s.status() != MigrationStatus.CREATED && s.status() != MigrationStatus.RUNNING,
            Duration.ofSeconds(60));
    if (m.status() != MigrationStatus.PREFLIGHT_SUCCESS) {
      throw new AssertionError(
          "preflight did not pass: " + m.status() + " " + m.checks() + " " + m.errors());
    }
    return m;
  }

  // ---- reading the regions ------------------------------------------------------------------

  /** One Region API GET, parsed; {@code null} for a 404. */
  public JsonNode regionGet(SandboxRegion region, String path) {
    HttpResponse<String> answer =
        send(
            HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
                .header("Authorization", "Bearer " + region.token())
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    if (answer.statusCode() == 404) {
      return null;
    }
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
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The whole configuration of an app as the Region API shows it (app, variables, collaborators,
   * domains, notifiers, containers, addons with their details), or {@code null} when it does not
   * exist.
   */
  public JsonNode appConfiguration(SandboxRegion region, String app) {
    JsonNode view = regionGet(region, "/v1/apps/" + app);
    if (view == null) {
      return null;
    }
    ObjectNode all = JSON.createObjectNode();
    all.set("app", view.path("app"));
    for (String part :
        List.of("variables", "collaborators", "domains", "notifiers", "containers")) {
      all.set(part, regionGet(region, "/v1/apps/" + app + "/" + part).path(part));
    }
    var addons = JSON.createArrayNode();
    for (JsonNode addon : regionGet(region, "/v1/apps/" + app + "/addons").path("addons")) {
      addons.add(
          regionGet(region, "/v1/apps/" + app + "/addons/" + addon.path("id").asText())
              .path("addon"));
    }
    all.set("addons", addons);
    return all;
  }

  /** The connection URLs of the app's postgresql addons (secrets: for assertions only). */
  public List<String> databaseUrls(SandboxRegion region, String app) {
    List<String> urls = new ArrayList<>();
    for (JsonNode addon : regionGet(region, "/v1/apps/" + app + "/addons").path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        String id = addon.path("id").asText();
        urls.add(
            regionGet(region, "/v1/apps/" + app + "/addons/" + id)
                .path("addon")
                .path("url")
                .asText());
      }
    }
    return urls;
  }

  /**
   * GETs {@code url} the way a browser would reach a sandbox router: to 127.0.0.1 on the URL's
   * port, with the URL's host name in the Host header (no DNS for {@code *.localhost} needed).
   */
  public HttpResponse<String> routerGet(String url) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + path))
            .header("Host", uri.getHost())
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- faults, aborts and traces ------------------------------------------------------------

  /**
   * The databases on the test PostgreSQL server that {@code region} made for addons of {@code app}:
   * the sandbox names them {@code rm_<region>_<app>_<8 hex digits>} (non-alphanumerics as
   * underscores, the prefix cut at 48 characters).
   */
  public List<String> addonDatabaseNames(SandboxRegion region, String app) {
    String prefix = ("rm_" + region.name() + "_" + app).replaceAll("[^a-z0-9]", "_");
    if (prefix.length() > 48) {
      prefix = prefix.substring(0, 48);
    }
    List<String> names = new ArrayList<>();
    try (java.sql.Connection c = postgres.get(region.name()).connect("postgres");
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT datname FROM pg_database WHERE left(datname, ?) = ? AND datname ~ ? ORDER BY 1")) {
      ps.setInt(1, prefix.length());
      ps.setString(2, prefix);
      ps.setString(3, "^.{" + prefix.length() + "}_[0-9a-f]{8}$");
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "cannot list the databases of " + app + ": " + e.getMessage(), e);
    }
    return names;
  }

  /** One Region API request with a JSON body (or none); the answer as it came. */
  public HttpResponse<String> regionSend(
      SandboxRegion region, String method, String path, String jsonBody) {
    return send(
        HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
            .header("Authorization", "Bearer " + region.token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody))
            .build());
  }

  /** Appends {@code count} rows to the events table of the app's sample database, server-side. */
  public void addSampleEvents(SandboxRegion region, String app, int count) {
    String url = databaseUrls(region, app).get(0);
    PostgresServer server = PostgresServer.fromUrl(url);
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                server.jdbcUrl(PostgresServer.databaseOf(url)), server.user(), server.password());
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO events (id, kind, payload, score, happened_at)"
              + " SELECT 1000000 + n, 'bulk-' || (n % 7),"
              + " jsonb_build_object('n', n, 'text', md5(n::text), 'ok', n % 2 = 0),"
              + " n * 0.25, timestamp '2024-01-01' + n * interval '1 second'"
              + " FROM generate_series(1, "
              + count
              + ") AS n");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "cannot add rows to the database of " + app + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops the region named {@code name} and starts it again on the same port, token and state,
   * offering {@code providers}: a region that changed its offer while a migration waited.
   */
  public SandboxRegion restartRegion(
      String name, List<io.regionmove.sandbox.AddonProvider> providers) {
    SandboxRegion old = name.equals(SOURCE) ? source : destination;
    int port = old.port();
    resources.remove(old);
    old.close();
    SandboxRegion region =
        SandboxRegion.start(
            SandboxOptions.defaults(name, port, dir.resolve("regions"), postgres.get(name))
                .withToken(old.token())
                .withProviders(providers));
    resources.add(region);
    if (name.equals(SOURCE)) {
      source = region;
    } else {
      destination = region;
    }
    return region;
  }

  /** The pg_dump and pg_restore processes started by this JVM (its workers) that still run. */
  public static List<String> runningPostgresTools() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(p -> p.info().commandLine().orElse(p.info().command().orElse("")))
        .filter(c -> c.contains("pg_dump") || c.contains("pg_restore"))
        .toList();
  }

  // ---- accessors ----------------------------------------------------------------------------

  public WorkflowClient client() {
    return client;
  }

  /** {@code host:port} of the Temporal frontend. */
  public String temporalAddress() {
    return temporalAddress;
  }

  public SandboxRegion source() {
    return source;
  }

  public SandboxRegion destination() {
    return destination;
  }

  public Regions regions() {
    return regions;
  }

  public Path regionsFile() {
    return regionsFile;
  }

  public Path backupDir() {
    return backupDir;
  }

  public Path dir() {
    return dir;
  }

  /** The PostgreSQL server of the source region's addons. */
  public PostgresServer postgres() {
    return postgres.get(SOURCE);
  }

  /** The PostgreSQL server of the region's addons: each region has its own. */
  public PostgresServer postgres(String region) {
    return postgres.get(region);
  }

  /**
   * Closes workers first, then the regions, then Temporal (last started, first closed), then
   * deletes the stack's directory unless {@value #KEEP_PROPERTY} is true (to read the worker and
   * server logs after a failure).
   */
  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
    if (dir != null && !Boolean.getBoolean(KEEP_PROPERTY)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        log.warn("could not delete {}: {}", dir, e.toString());
      }
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

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
