package io.regionmove.cli;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
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
import io.regionmove.worker.dev.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stack of SPEC §6 in this process: Temporal, two sandbox regions each with its own
 * PostgreSQL cluster ({@code wal_level=logical}, as live migration needs), MariaDB server and Redis
 * server, a worker for every queue, and the sample app (with a postgresql addon, and a redis and a
 * mysql one when their servers run).
 */
final class DevStack implements AutoCloseable {

  static final String SOURCE = "agora-fr1";
  static final String DESTINATION = "osc-fr1";
  static final List<String> REGIONS = List.of(SOURCE, DESTINATION);

  /**
   * @param temporalPort 0 for a free port
   * @param uiPort Temporal Web's port; 0 for a free one
   * @param apiPortBase the first region's port, the second's is the next; 0 for free ports
   * @param externalTemporal use the server the SDK's environment names ({@code TEMPORAL_ADDRESS})
   *     instead of starting one; the two ports and {@code embeddedTemporal} are then unused
   */
  record Options(
      Path home,
      int temporalPort,
      int uiPort,
      int apiPortBase,
      boolean embeddedTemporal,
      String sampleApp,
      int rows,
      boolean externalTemporal) {}

  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  private final Options options;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private DevTemporal temporal;
  private final Map<String, PostgresServer> postgres = new LinkedHashMap<>();
  private final Map<String, MariaDbServer> mysql = new LinkedHashMap<>();
  private final Map<String, RedisServer> redis = new LinkedHashMap<>();
  private final List<SandboxRegion> sandboxes = new ArrayList<>();
  private Regions regions;
  private Path regionsFile;

  private DevStack(Options options) {
    this.options = options;
  }

  static DevStack start(Options options, Console console) {
    DevStack stack = new DevStack(options);
    try {
      stack.startAll(console);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Console console) {
    Path home = options.home().toAbsolutePath().normalize();
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + home + ": " + e.getMessage(), e);
    }
    if (options.externalTemporal()) {
      console.println("Connecting to the Temporal server named by TEMPORAL_ADDRESS ...");
      temporal = DevTemporal.external();
    } else {
      int temporalPort = options.temporalPort() == 0 ? FreePorts.find() : options.temporalPort();
      int uiPort = options.uiPort() == 0 ? FreePorts.find() : options.uiPort();
      console.println("Starting Temporal on 127.0.0.1:" + temporalPort + " ...");
      temporal = DevTemporal.start(home, temporalPort, uiPort, options.embeddedTemporal());
    }
    started.push(temporal);

    String pgUrl = System.getenv(LocalPostgres.PG_URL_ENV);
    for (String name : REGIONS) {
      if (pgUrl != null && !pgUrl.isBlank()) {
        postgres.put(name, PostgresServer.fromUrl(pgUrl));
        continue;
      }
      Path dir = home.resolve("pg").resolve(name);
      console.println("Starting PostgreSQL of " + name + " in " + dir + " ...");
      try {
        LocalPostgres local = LocalPostgres.start(dir);
        started.push(local);
        postgres.put(name, local.server());
      } catch (IllegalStateException | UncheckedIOException e) {
        throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
      }
    }

    startDataServers(home, console);

    List<RegionConfig> configs = new ArrayList<>();
    for (int i = 0; i < REGIONS.size(); i++) {
      String name = REGIONS.get(i);
      int port = options.apiPortBase() == 0 ? 0 : options.apiPortBase() + i;
      SandboxRegion sandbox;
      try {
        sandbox =
            SandboxRegion.start(
                SandboxOptions.defaults(
                    name,
                    port,
                    home,
                    new AddonServers(postgres.get(name), mysql.get(name), redis.get(name))));
      } catch (RuntimeException e) {
        throw new CliException(
            ExitCodes.FAILED,
            "Cannot start the sandbox region "
                + name
                + " on port "
                + port
                + " ("
                + e.getMessage()
                + "); is the port taken?",
            e);
      }
      started.push(sandbox);
      sandboxes.add(sandbox);
      configs.add(
          new RegionConfig(
              name,
              sandbox.apiUrl(),
              sandbox.token(),
              "http://" + name + ".localhost:" + sandbox.port()));
    }
    regions = Regions.of(configs);
    regionsFile = home.resolve("regions.json");
    regions.write(regionsFile);

    RegionmoveWorker worker =
        RegionmoveWorker.start(
            temporal.client(),
            regions,
            new RegionmoveWorker.Options(Set.of(), home.resolve("backups")));
    started.push(worker);

    if (options.sampleApp() != null) {
      RegionConfig source = regions.get(SOURCE);
      if (!new RegionAccess(source).appExists(options.sampleApp())) {
        List<String> addons = sampleAddons();
        console.println(
            "Seeding "
                + options.sampleApp()
                + " in "
                + SOURCE
                + " ("
                + String.join(", ", addons)
                + " addons, "
                + options.rows()
                + " rows or keys each) ...");
        SampleApp.seed(source, options.sampleApp(), options.rows(), addons);
      }
    }
    log.info("Dev stack started in {}", home);
  }

  /**
   * The sample app's database addons: postgresql, and redis and mysql when the regions have their
   * servers.
   */
  List<String> sampleAddons() {
    List<String> addons = new ArrayList<>(List.of("postgresql"));
    if (redis.keySet().containsAll(REGIONS)) {
      addons.add("redis");
    }
    if (mysql.keySet().containsAll(REGIONS)) {
      addons.add("mysql");
    }
    return addons;
  }

  /**
   * One MariaDB and one Redis server per region ({@code <home>/mariadb-<region>}, {@code
   * <home>/redis-<region>}, all started side by side), or the ones {@code REGIONMOVE_MYSQL_URL} and
   * {@code REGIONMOVE_REDIS_URL} name for both regions. Each server found running in its directory
   * (a {@code dev} killed earlier) is adopted, and every one is stopped with the stack. Without
   * MariaDB or Redis the stack runs on and the addons of that provider answer 422.
   */
  private void startDataServers(Path home, Console console) {
    Map<String, CompletableFuture<LocalMariaDb>> mariaDbs = new LinkedHashMap<>();
    Map<String, CompletableFuture<LocalRedis>> redises = new LinkedHashMap<>();
    String mysqlUrl = System.getenv(LocalMariaDb.MYSQL_URL_ENV);
    if (mysqlUrl != null && !mysqlUrl.isBlank()) {
      MariaDbServer shared = MariaDbServer.fromUrl(mysqlUrl);
      REGIONS.forEach(region -> mysql.put(region, shared));
    } else {
      console.println(
          "Starting MariaDB for each region in " + home.resolve("mariadb-<region>") + " ...");
      for (String region : REGIONS) {
        mariaDbs.put(
            region,
            CompletableFuture.supplyAsync(
                () -> LocalMariaDb.start(home.resolve("mariadb-" + region))));
      }
    }
    String redisUrl = System.getenv(LocalRedis.REDIS_URL_ENV);
    if (redisUrl != null && !redisUrl.isBlank()) {
      RedisServer shared = RedisServer.fromUrl(redisUrl);
      REGIONS.forEach(region -> redis.put(region, shared));
    } else {
      console.println(
          "Starting Redis for each region in " + home.resolve("redis-<region>") + " ...");
      for (String region : REGIONS) {
        redises.put(
            region,
            CompletableFuture.supplyAsync(() -> LocalRedis.start(home.resolve("redis-" + region))));
      }
    }
    RuntimeException mariaDbFailure = null;
    for (Map.Entry<String, CompletableFuture<LocalMariaDb>> entry : mariaDbs.entrySet()) {
      try {
        LocalMariaDb local = entry.getValue().join();
        // Stopped with the stack, adopted or not: the server belongs to this home.
        started.push(local::stop);
        mysql.put(entry.getKey(), local.server());
      } catch (CompletionException e) {
        mariaDbFailure = cause(e);
      }
    }
    RuntimeException redisFailure = null;
    for (Map.Entry<String, CompletableFuture<LocalRedis>> entry : redises.entrySet()) {
      try {
        LocalRedis local = entry.getValue().join();
        started.push(local::stop);
        redis.put(entry.getKey(), local.server());
      } catch (CompletionException e) {
        redisFailure = cause(e);
      }
    }
    if (mariaDbFailure != null) {
      log.warn("MariaDB could not start", mariaDbFailure);
      console.println(
          firstLine(mariaDbFailure, "MariaDB could not start.")
              + " Continuing without it: mysql addons will answer 422.");
    }
    if (redisFailure != null) {
      log.warn("Redis could not start", redisFailure);
      console.println(
          firstLine(redisFailure, "Redis could not start.")
              + " Continuing without it: redis addons will answer 422.");
    }
  }

  private static RuntimeException cause(CompletionException e) {
    return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
  }

  private static String firstLine(RuntimeException e, String otherwise) {
    return e.getMessage() == null
        ? otherwise
        : e.getMessage().lines().findFirst().orElse(otherwise);
  }

  DevTemporal temporal() {
    return temporal;
  }

  Regions regions() {
    return regions;
  }

  Path regionsFile() {
    return regionsFile;
  }

  /** The PostgreSQL server of the region's addons. */
  PostgresServer postgres(String region) {
    return postgres.get(region);
  }

  Path home() {
    return options.home().toAbsolutePath().normalize();
  }

  /** Every address, and the export lines for another terminal. */
  void describe(Console console) {
    console.println("");
    console.println(console.bold("regionmove dev stack"));
    console.println(
        "  Temporal:      "
            + temporal.address()
            + " (namespace default, "
            + temporal.description()
            + ")");
    if (temporal.hasWeb()) {
      console.println("  Temporal Web:  " + temporal.webUrl());
    } else if (options.externalTemporal()) {
      console.println("  Temporal Web:  the one serving that server, if any (dev starts none)");
    } else {
      console.println(
          "  Temporal Web:  not available with the in-JVM test server; install the temporal CLI"
              + " (https://docs.temporal.io/cli) or run `docker compose up` for the Web UI.");
    }
    for (SandboxRegion sandbox : sandboxes) {
      console.println(
          "  Region "
              + pad(sandbox.name())
              + " API "
              + sandbox.apiUrl()
              + ", apps at "
              + sandbox.routerUrl("<app>"));
    }
    postgres.forEach(
        (region, server) ->
            console.println(
                "  PostgreSQL:    " + pad(region) + " " + server.host() + ":" + server.port()));
    mysql.forEach(
        (region, server) ->
            console.println(
                "  MariaDB:       " + pad(region) + " " + server.host() + ":" + server.port()));
    redis.forEach(
        (region, server) ->
            console.println(
                "  Redis:         " + pad(region) + " " + server.host() + ":" + server.port()));
    console.println("  Regions file:  " + regionsFile);
    console.println("  Logs:          " + home().resolve("regionmove.log"));
    if (options.sampleApp() != null) {
      console.println(
          "  Sample app:    "
              + options.sampleApp()
              + " in "
              + SOURCE
              + " at "
              + sandboxes.get(0).routerUrl(options.sampleApp()));
    }
    console.println("");
    console.println("In another terminal:");
    console.println("  export " + Regions.ENV + "=" + regionsFile);
    console.println("  export TEMPORAL_ADDRESS=" + temporal.address());
    console.println("  export " + RegionmoveCli.HOME_ENV + "=" + home());
    console.println("  export REGIONMOVE_REGION=" + SOURCE);
    console.println(
        "  export REGIONMOVE_APP="
            + (options.sampleApp() == null ? "my-app" : options.sampleApp()));
    String launcher = System.getenv("REGIONMOVE_LAUNCHER");
    if (launcher != null && !launcher.isBlank()) {
      console.println("  alias regionmove='" + launcher + "'");
    }
    console.println("then:");
    console.println("  regionmove migration-create --to " + DESTINATION);
    console.println("");
  }

  private static String pad(String name) {
    return String.format("%-10s", name);
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        log.warn("Could not stop {}: {}", next.getClass().getSimpleName(), e.getMessage(), e);
      }
    }
  }
}
