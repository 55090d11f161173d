package io.regionmove.testkit;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.AddonProvider;
import io.regionmove.sandbox.AddonServers;
import io.regionmove.sandbox.SampleApp;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisServer;
import io.regionmove.worker.RegionmoveWorker;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.TemporalUnreachableException;
import io.regionmove.worker.WorkerMain;
import io.regionmove.worker.dev.FreePorts;
import io.regionmove.worker.dev.TemporalDevServer;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a migration needs, on loopback, for one test class: a Temporal server on free ports
 * (or one the test provides, such as a cluster: {@link #onServer}), two sandbox regions ({@value
 * #SOURCE}, {@value #DESTINATION}) each with its own test PostgreSQL cluster, their regions file, a
 * backup directory and a client. No worker runs until a test starts one, in this JVM ({@link
 * #startWorker()}) or in its own ({@link #startWorkerProcess}).
 *
 * <p>A JUnit extension: {@code @RegisterExtension static final RegionmoveTestStack stack =
 * RegionmoveTestStack.onDevServer();} starts it before the class's {@code @BeforeAll} methods and
 * closes it after its {@code @AfterAll} ones. Its directory ({@code target/<TestClass>-…}: the
 * regions' state, backups, the logs of the workers and of Temporal) is deleted then, unless a test
 * failed or {@value #KEEP_PROPERTY} is true. Without PostgreSQL or, on a dev server, the Temporal
 * CLI, starting fails: the tests fail, they do not skip.
 *
 * <p>With {@link #withEngines()}, each region also has its own MariaDB and Redis server (in the
 * stack's directory, stopped with it), so its apps can have mysql and redis addons; without, those
 * addons answer 422. It costs a few seconds, so only the tests that move those addons ask for it.
 */
public final class RegionmoveTestStack
    implements AutoCloseable, BeforeAllCallback, AfterAllCallback, TestWatcher {

  public static final String SOURCE = "agora-fr1";
  public static final String DESTINATION = "osc-fr1";
  public static final String NAMESPACE = TemporalClients.DEFAULT_NAMESPACE;

  /** Set to true to keep the stack's directory after the tests even when they all passed. */
  public static final String KEEP_PROPERTY = "regionmove.it.keep";

  /** Short, so a killed worker's data activity is retried within seconds. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);

  /** The settings of a migration whose killed data activities are retried within seconds. */
  public static final MigrationSettings QUICK_RETRIES =
      new MigrationSettings(null, null, HEARTBEAT_TIMEOUT);

  private static final Duration TEMPORAL_START_TIMEOUT = Duration.ofSeconds(90);
  private static final Logger log = LoggerFactory.getLogger(RegionmoveTestStack.class);

  /** Which Temporal server the stack runs. */
  public enum Temporal {
    /** The SDK's test server in this JVM (real time): the quickest. */
    TEST_SERVER,
    /**
     * {@code temporal server start-dev}, in memory and headless: for tests that kill workers, since
     * only a real server moves a dead worker's sticky workflow tasks back to the shared queue.
     */
    DEV_SERVER,
    /**
     * {@code temporal server start-dev} as {@code regionmove dev} runs it: state in a SQLite file
     * (it survives {@link #killTemporal()} and {@link #restartTemporal()}) and Temporal Web.
     */
    PERSISTENT_DEV_SERVER,
    /** A server the test provides ({@link #onServer}), such as a cluster of several nodes. */
    EXTERNAL
  }

  /**
   * A Temporal server the test provides, started with the stack in the stack's directory (its logs
   * are kept with the workers') and closed with it, after the workers and the regions.
   */
  public interface ExternalServer extends AutoCloseable {

    /**
     * Starts the server, its state and logs under {@code dir}.
     *
     * @return the SDK's Temporal variables of a client ({@code TEMPORAL_ADDRESS}, {@code
     *     TEMPORAL_NAMESPACE}, {@code TEMPORAL_TLS_*}): the stack's client and its worker processes
     *     connect with them
     */
    Map<String, String> start(Path dir);
  }

  private final Temporal temporal;
  private final ExternalServer externalServer;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<String, MariaDbServer> mysql = new LinkedHashMap<>();
  private final Map<String, RedisServer> redis = new LinkedHashMap<>();
  private boolean engines;
  private final AtomicInteger workerProcesses = new AtomicInteger();

  private boolean failed;
  private Path dir;
  private TemporalDevServer devServer;
  private String temporalAddress;
  private Map<String, String> temporalEnvironment;
  private WorkflowClient client;
  private final Map<String, PostgresServer> postgres = new HashMap<>();
  private SandboxRegion source;
  private SandboxRegion destination;
  private Regions regions;
  private Path regionsFile;
  private Path backupDir;

  private RegionmoveTestStack(Temporal temporal, ExternalServer externalServer) {
    this.temporal = temporal;
    this.externalServer = externalServer;
  }

  /** A stack on Temporal's Java test server, in this JVM. */
  public static RegionmoveTestStack onTestServer() {
    return new RegionmoveTestStack(Temporal.TEST_SERVER, null);
  }

  /** A stack on {@code temporal server start-dev}, in memory, headless. */
  public static RegionmoveTestStack onDevServer() {
    return new RegionmoveTestStack(Temporal.DEV_SERVER, null);
  }

  /** A stack on {@code temporal server start-dev} with a SQLite file and Temporal Web. */
  public static RegionmoveTestStack onPersistentDevServer() {
    return new RegionmoveTestStack(Temporal.PERSISTENT_DEV_SERVER, null);
  }

  /**
   * A stack on {@code server}, which the stack starts first (in {@code <dir>/}) and closes last;
   * the search attributes are registered on it when missing.
   */
  public static RegionmoveTestStack onServer(ExternalServer server) {
    return new RegionmoveTestStack(Temporal.EXTERNAL, server);
  }

  /**
   * Gives each region a MariaDB and a Redis server of its own, started with the stack (in parallel,
   * a few seconds) and stopped with it; fails at start when MariaDB or Redis is not installed.
   *
   * @return this stack
   */
  public RegionmoveTestStack withEngines() {
    if (dir != null) {
      throw new IllegalStateException("engines are chosen before the stack starts");
    }
    engines = true;
    return this;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * Starts the stack in {@code target/<name>-…}; a JUnit extension does it on its own.
   *
   * @return this stack
   */
  public RegionmoveTestStack start(String name) {
    if (dir != null) {
      throw new IllegalStateException("the stack is already started in " + dir);
    }
    try {
      startAll(name);
      return this;
    } catch (RuntimeException | Error e) {
      failed = true;
      close();
      throw e;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      failed = true;
    }
    close();
  }

  private void startAll(String name) {
    dir = TestDirectory.create(name);
    try {
      backupDir = Files.createDirectories(dir.resolve("backups"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    postgres.put(SOURCE, LocalPostgres.forTests(SOURCE));
    postgres.put(DESTINATION, LocalPostgres.forTests(DESTINATION));
    if (engines) {
      startDataServers();
    }
    startTemporal();
    resources.add(() -> client.getWorkflowServiceStubs().shutdownNow());

    source = startRegion(SOURCE);
    destination = startRegion(DESTINATION);
    regions = Regions.of(config(source), config(destination));
    regionsFile = dir.resolve("regions.json");
    regions.write(regionsFile);
    log.info(
        "Test stack: Temporal ({}) on {}, {} on {}, {} on {}, state in {}",
        temporal,
        temporalAddress,
        SOURCE,
        source.apiUrl(),
        DESTINATION,
        destination.apiUrl(),
        dir);
  }

  /** A MariaDB and a Redis server per region, all started at once. */
  private void startDataServers() {
    Map<String, CompletableFuture<LocalMariaDb>> mariaDbs = new LinkedHashMap<>();
    Map<String, CompletableFuture<LocalRedis>> redises = new LinkedHashMap<>();
    for (String region : List.of(SOURCE, DESTINATION)) {
      mariaDbs.put(
          region,
          CompletableFuture.supplyAsync(
              () -> LocalMariaDb.start(dir.resolve("mariadb-" + region))));
      redises.put(
          region,
          CompletableFuture.supplyAsync(() -> LocalRedis.start(dir.resolve("redis-" + region))));
    }
    RuntimeException failure = null;
    for (String region : List.of(SOURCE, DESTINATION)) {
      try {
        LocalMariaDb server = mariaDbs.get(region).join();
        resources.add(server::stop);
        mysql.put(region, server.server());
      } catch (CompletionException e) {
        failure = e.getCause() instanceof RuntimeException r ? r : e;
      }
      try {
        LocalRedis server = redises.get(region).join();
        resources.add(server::stop);
        redis.put(region, server.server());
      } catch (CompletionException e) {
        failure = e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The servers of the addons of region {@code name}. */
  private AddonServers servers(String name) {
    return new AddonServers(postgres.get(name), mysql.get(name), redis.get(name));
  }

  private void startTemporal() {
    if (temporal == Temporal.EXTERNAL) {
      resources.add(externalServer);
      temporalEnvironment = Map.copyOf(externalServer.start(dir));
      client = TemporalClients.fromEnvironment(temporalEnvironment);
      temporalAddress = client.getWorkflowServiceStubs().getOptions().getTarget();
      TemporalClients.registerSearchAttributes(client);
      return;
    }
    if (temporal == Temporal.TEST_SERVER) {
      int port = FreePorts.find();
      resources.add(TestServer.createPortBoundServer(port));
      temporalAddress = "127.0.0.1:" + port;
      temporalEnvironment = localEnvironment();
      client = TemporalClients.connect(temporalAddress, NAMESPACE);
      TemporalClients.registerSearchAttributes(client);
      return;
    }
    boolean persistent = temporal == Temporal.PERSISTENT_DEV_SERVER;
    devServer =
        TemporalDevServer.start(
            TemporalDevServer.requireCli(),
            new TemporalDevServer.Options(
                FreePorts.find(),
                persistent ? FreePorts.find() : 0,
                persistent ? dir.resolve("temporal.db") : null,
                dir.resolve("temporal.log")));
    resources.add(devServer);
    temporalAddress = devServer.address();
    temporalEnvironment = localEnvironment();
    client = awaitDevServer();
  }

  /** The Temporal variables of a client of a server this stack started. */
  private Map<String, String> localEnvironment() {
    return Map.of("TEMPORAL_ADDRESS", temporalAddress, "TEMPORAL_NAMESPACE", NAMESPACE);
  }

  private WorkflowClient awaitDevServer() {
    try {
      return devServer.awaitReady(TEMPORAL_START_TIMEOUT);
    } catch (TemporalUnreachableException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + devServer.log(), e);
    }
  }

  private SandboxRegion startRegion(String name) {
    SandboxRegion region =
        SandboxRegion.start(
            SandboxOptions.defaults(name, 0, dir.resolve("regions"), servers(name))
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

  /**
   * Closes workers first, then the regions, then Temporal (last started, first closed), then
   * deletes the stack's directory unless a test failed or {@value #KEEP_PROPERTY} is true.
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
    if (dir == null) {
      return;
    }
    if (failed || Boolean.getBoolean(KEEP_PROPERTY)) {
      System.err.println("The test stack's directory (logs, state) is kept: " + dir);
    } else {
      TestDirectory.delete(dir);
    }
  }

  // ---- Temporal -----------------------------------------------------------------------------

  /** The dev server, to kill it or open Temporal Web; fails on any other server. */
  public TemporalDevServer temporalServer() {
    if (devServer == null) {
      throw new IllegalStateException("this stack runs " + temporal + ", not the dev server");
    }
    return devServer;
  }

  /** SIGKILLs the dev server; {@link #restartTemporal()} brings it back. */
  public void killTemporal() {
    temporalServer().kill();
  }

  /**
   * Starts the persistent dev server again on its SQLite file and ports, and reconnects {@link
   * #client()} (workers in this JVM keep their old client).
   */
  public void restartTemporal() {
    if (temporal != Temporal.PERSISTENT_DEV_SERVER) {
      throw new IllegalStateException("only a persistent dev server keeps its state on restart");
    }
    client.getWorkflowServiceStubs().shutdownNow();
    devServer.launch();
    client = awaitDevServer();
  }

  // ---- workers ------------------------------------------------------------------------------

  /** A worker in this JVM for every region; closed with the stack. */
  public RegionmoveWorker startWorker() {
    return startWorker(List.of());
  }

  /** A worker in this JVM whose activities pass through {@code interceptors}. */
  public RegionmoveWorker startWorker(List<WorkerInterceptor> interceptors) {
    RegionmoveWorker worker =
        RegionmoveWorker.start(
            client, regions, new RegionmoveWorker.Options(Set.of(), backupDir, interceptors));
    resources.add(worker);
    return worker;
  }

  /** {@link WorkerMain} in its own JVM; see {@link #startWorkerProcess(WorkerProcess.Launch)}. */
  public WorkerProcess startWorkerProcess() {
    return startWorkerProcess(WorkerProcess.Launch.mainClass(WorkerMain.class));
  }

  /**
   * A worker in its own JVM, polling every queue of both regions unless {@code launch}'s arguments
   * say otherwise, configured for this stack through its environment, with its own {@code
   * REGIONMOVE_HOME} ({@code worker-N}) and log file ({@code worker-N.log}); stopped with the
   * stack. It is starting when this returns: {@link WorkerProcess#awaitStarted} waits for it.
   */
  public WorkerProcess startWorkerProcess(WorkerProcess.Launch launch) {
    String name = "worker-" + workerProcesses.incrementAndGet();
    Path home = dir.resolve(name);
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> configuration = new HashMap<>(temporalEnvironment);
    configuration.put(Regions.ENV, regionsFile.toString());
    configuration.put(DirectoryBackupStore.ROOT_VARIABLE, backupDir.toString());
    configuration.put("REGIONMOVE_HOME", home.toString());
    WorkerProcess worker = WorkerProcess.start(launch, configuration, dir.resolve(name + ".log"));
    resources.add(worker);
    return worker;
  }

  // ---- apps and migrations ------------------------------------------------------------------

  /** Seeds the sample app {@code app} with {@code rows} rows in the source region. */
  public void seedSourceApp(String app, int rows) {
    SampleApp.seed(source.apiUrl(), source.token(), app, rows);
  }

  /**
   * Seeds the sample apps {@code apps} in the source region, four at a time (the benchmarks' many
   * apps), each with {@code rows} rows.
   */
  public void seedSourceApps(List<String> apps, int rows) throws Exception {
    ExecutorService seeders = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> seeded = new ArrayList<>();
      for (String app : apps) {
        seeded.add(seeders.submit(() -> seedSourceApp(app, rows)));
      }
      for (Future<?> f : seeded) {
        f.get();
      }
    } finally {
      seeders.shutdown();
    }
  }

  /**
   * Seeds the sample app {@code app} in the source region with an addon of {@code rows} rows (keys
   * for redis) for each of {@code addons} ({@code postgresql}, {@code mysql}, {@code redis}).
   */
  public void seedSourceApp(String app, int rows, List<String> addons) {
    SampleApp.seed(source.apiUrl(), source.token(), app, rows, addons);
  }

  /**
   * Starts a migration of {@code app} from the source to the destination, with {@link
   * #QUICK_RETRIES}; returns its typed stub.
   */
  public AppMigrationWorkflow startMigration(String app) {
    String id = UUID.randomUUID().toString();
    MigrationRequest request =
        new MigrationRequest(id, app, app, SOURCE, DESTINATION, QUICK_RETRIES);
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

  // ---- regions and traces -------------------------------------------------------------------

  /**
   * Stops the region named {@code name} and starts it again on the same port, token and state,
   * offering {@code providers}: a region that changed its offer while a migration waited.
   */
  public SandboxRegion restartRegion(String name, List<AddonProvider> providers) {
    SandboxRegion old = name.equals(SOURCE) ? source : destination;
    int port = old.port();
    resources.remove(old);
    old.close();
    SandboxRegion region =
        SandboxRegion.start(
            SandboxOptions.defaults(name, port, dir.resolve("regions"), servers(name))
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

  /**
   * The data tools started by this JVM (its workers) that still run: pg_dump, pg_restore,
   * mariadb-dump (mysqldump) and the mariadb (mysql) client; the MariaDB servers are not counted.
   */
  public static List<String> runningDataTools() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> isDataTool(p.info().command().orElse("")))
        .map(p -> p.info().commandLine().orElse(p.info().command().orElse("")))
        .toList();
  }

  /** Whether {@code command} (a program's path) is one of the data tools the engines run. */
  public static boolean isDataTool(String command) {
    String program = command.substring(command.lastIndexOf('/') + 1);
    return List.of("pg_dump", "pg_restore", "mariadb-dump", "mysqldump", "mariadb", "mysql")
        .contains(program);
  }

  // ---- accessors ----------------------------------------------------------------------------

  /** The client of the stack's Temporal server (no codec). */
  public WorkflowClient client() {
    return client;
  }

  /** {@code host:port} of the Temporal frontend. */
  public String temporalAddress() {
    return temporalAddress;
  }

  /**
   * The SDK's Temporal variables of a client of the stack's server ({@code TEMPORAL_ADDRESS}, the
   * namespace, TLS): what its worker processes get, and what a CLI process needs.
   */
  public Map<String, String> temporalEnvironment() {
    return temporalEnvironment;
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

  /** The PostgreSQL server of the region's addons: each region has its own, as real ones do. */
  public PostgresServer postgres(String region) {
    return postgres.get(region);
  }

  /** Whether each region has a MariaDB and a Redis server ({@link #withEngines()}). */
  public boolean hasEngines() {
    return engines;
  }

  /** The MariaDB server of region {@code name}'s mysql addons; needs {@link #withEngines()}. */
  public MariaDbServer mysql(String name) {
    return requireEngines(mysql.get(name), name);
  }

  /** The Redis server of region {@code name}'s redis addons; needs {@link #withEngines()}. */
  public RedisServer redis(String name) {
    return requireEngines(redis.get(name), name);
  }

  private <T> T requireEngines(T server, String name) {
    if (!engines) {
      throw new IllegalStateException("this stack was not started withEngines()");
    }
    if (server == null) {
      throw new IllegalArgumentException("no region " + name + " in this stack");
    }
    return server;
  }

  public static void sleep(Duration duration) {
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
