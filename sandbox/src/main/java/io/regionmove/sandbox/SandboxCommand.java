package io.regionmove.sandbox;

import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox --region NAME --port P}: runs one sandbox region until the process is stopped,
 * then returns 0. Without {@code --pg-url} (or {@code REGIONMOVE_PG_URL}) it runs a private
 * PostgreSQL cluster of its own in {@code <state-dir>/pg/<region>} ({@code wal_level=logical}),
 * stopped with it; without PostgreSQL binaries it runs without one and postgresql addons answer
 * 422. Likewise for mysql addons: {@code --mysql-url} (or {@code REGIONMOVE_MYSQL_URL}), else a
 * private MariaDB server in {@code <state-dir>/mariadb-<region>}; and for redis addons: {@code
 * --redis-url} (or {@code REGIONMOVE_REDIS_URL}), else a private Redis server in {@code
 * <state-dir>/redis-<region>}. Faults start from {@value FaultOptions#ENV} and each {@code
 * --fault-*} flag overrides its item (see {@link FaultOptions#parse}). A usage error exits 2; a
 * region that cannot start, 1.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = "Runs one sandbox region server (Region API and app router) until Ctrl-C.",
    footer =
        "Faults also come from "
            + FaultOptions.ENV
            + ", e.g. rate=0.3,latency=50-200,hang=0.01,after-commit; the flags override it item by"
            + " item.")
public final class SandboxCommand implements Callable<Integer> {

  private static final String HOME_ENV = "REGIONMOVE_HOME";

  @Spec CommandSpec spec;

  @Option(
      names = "--region",
      required = true,
      paramLabel = "NAME",
      description = "The region's name, such as agora-fr1.")
  String region;

  @Option(
      names = "--port",
      required = true,
      paramLabel = "PORT",
      description = "The port of the Region API and the app router, 0 for a free one.")
  int port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = SandboxOptions.DEFAULT_HOST,
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the region keeps its state (default: REGIONMOVE_HOME or .regionmove).")
  Path stateDir;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "The bearer token (default: generated once, kept in the state).")
  String token;

  @Option(
      names = "--pg-url",
      paramLabel = "URL",
      description =
          "PostgreSQL server for the addons (default: REGIONMOVE_PG_URL, else a private cluster).")
  String pgUrl;

  @Option(
      names = "--mysql-url",
      paramLabel = "URL",
      description =
          "MariaDB server for mysql addons, as mysql://user:password@host:port (default:"
              + " REGIONMOVE_MYSQL_URL, else a private server).")
  String mysqlUrl;

  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description =
          "Redis server for redis addons, as redis://:password@host:port with the password of its"
              + " default user (default: REGIONMOVE_REDIS_URL, else a private server).")
  String redisUrl;

  @Option(names = "--fault-rate", paramLabel = "SHARE", description = "Share of 503 answers.")
  String faultRate;

  @Option(
      names = "--fault-latency-ms",
      paramLabel = "MS|MIN-MAX",
      description = "Latency added to each request.")
  String faultLatency;

  @Option(
      names = "--fault-hang-rate",
      paramLabel = "SHARE",
      description = "Share of requests held open.")
  String faultHangRate;

  @Option(
      names = "--fault-hang-ms",
      paramLabel = "MS",
      description = "How long a request is held open.")
  String faultHangTime;

  @Option(
      names = "--fault-after-commit",
      description = "Faults strike after the request is handled.")
  boolean faultAfterCommit;

  @Option(names = "--fault-router", description = "Router requests fail too.")
  boolean faultRouter;

  @Option(names = "--fault-seed", paramLabel = "N", description = "Seed of the fault draws.")
  String faultSeed;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw usage("--port must be from 0 to 65535, not " + port + ".");
    }
    FaultOptions environment;
    try {
      environment = FaultOptions.fromEnvironment();
    } catch (IllegalArgumentException e) {
      throw usage(FaultOptions.ENV + ": " + e.getMessage());
    }
    FaultOptions faults = faults(environment);
    Path dir = stateDir != null ? stateDir : defaultStateDir();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    // Every named server is read before anything starts: a bad URL is a usage error.
    PostgresServer pg = named("--pg-url", pgUrl, LocalPostgres.PG_URL_ENV, PostgresServer::fromUrl);
    MariaDbServer mysql =
        named("--mysql-url", mysqlUrl, LocalMariaDb.MYSQL_URL_ENV, MariaDbServer::fromUrl);
    RedisServer redis =
        named("--redis-url", redisUrl, LocalRedis.REDIS_URL_ENV, RedisServer::fromUrl);
    LocalPostgres local = null;
    if (pg == null) {
      try {
        local = LocalPostgres.start(dir.resolve("pg").resolve(region));
        pg = local.server();
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        err.println("Continuing without PostgreSQL: postgresql addons will answer 422.");
      }
    }
    LocalMariaDb localMysql = null;
    if (mysql == null) {
      try {
        localMysql = LocalMariaDb.start(dir.resolve("mariadb-" + region));
        mysql = localMysql.server();
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        err.println("Continuing without MariaDB: mysql addons will answer 422.");
      }
    }
    LocalRedis localRedis = null;
    if (redis == null) {
      try {
        localRedis = LocalRedis.start(dir.resolve("redis-" + region));
        redis = localRedis.server();
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        err.println("Continuing without Redis: redis addons will answer 422.");
      }
    }
    SandboxRegion sandbox;
    try {
      sandbox =
          SandboxRegion.start(
              new SandboxOptions(
                  region,
                  host,
                  port,
                  token,
                  dir,
                  new AddonServers(pg, mysql, redis),
                  SandboxOptions.defaultProviders(),
                  faults));
    } catch (RuntimeException e) {
      if (local != null) {
        local.close();
      }
      if (localMysql != null) {
        localMysql.close();
      }
      if (localRedis != null) {
        localRedis.close();
      }
      err.println(
          "Cannot start the sandbox region "
              + region
              + " on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); is the port taken?");
      return 1;
    }
    LocalPostgres startedPg = local;
    LocalMariaDb startedMysql = localMysql;
    LocalRedis startedRedis = localRedis;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sandbox.close();
                  if (startedPg != null) {
                    startedPg.close();
                  }
                  if (startedMysql != null) {
                    startedMysql.close();
                  }
                  if (startedRedis != null) {
                    startedRedis.close();
                  }
                  stopped.countDown();
                },
                "sandbox-stop"));
    out.println("Sandbox region " + sandbox.name() + " is running.");
    out.println(
        "  API:    " + sandbox.apiUrl() + "  (Authorization: Bearer " + sandbox.token() + ")");
    out.println("  Router: " + sandbox.routerUrl("<app>"));
    out.println("  State:  " + dir.toAbsolutePath().resolve(region + ".json"));
    if (pg != null) {
      out.println("  PostgreSQL: " + pg.host() + ":" + pg.port());
    }
    if (mysql != null) {
      out.println("  MariaDB:    " + mysql.host() + ":" + mysql.port());
    }
    if (redis != null) {
      out.println("  Redis:      " + redis.host() + ":" + redis.port());
    }
    if (faults.active()) {
      out.println("  Faults: " + faults.toSpec() + "  (change them with PUT /_sandbox/faults)");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The server the option names, else the one its environment variable names; null when neither
   * does (a private server is started).
   */
  private <T> T named(String option, String value, String env, Function<String, T> read) {
    String url = value != null ? value : System.getenv(env);
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      return read.apply(url);
    } catch (IllegalArgumentException e) {
      throw usage((value != null ? option : env) + ": " + e.getMessage());
    }
  }

  /** {@code base} with each item a {@code --fault-*} flag gives replaced by the flag's value. */
  FaultOptions faults(FaultOptions base) {
    double errorRate = item("--fault-rate", "rate", faultRate, FaultOptions::errorRate, base);
    Duration min =
        item("--fault-latency-ms", "latency", faultLatency, FaultOptions::minLatency, base);
    Duration max =
        item("--fault-latency-ms", "latency", faultLatency, FaultOptions::maxLatency, base);
    double hangRate =
        item("--fault-hang-rate", "hang", faultHangRate, FaultOptions::hangRate, base);
    Duration hangTime =
        item("--fault-hang-ms", "hang-time", faultHangTime, FaultOptions::hangTime, base);
    Long seed = item("--fault-seed", "seed", faultSeed, FaultOptions::seed, base);
    try {
      return new FaultOptions(
          errorRate,
          min,
          max,
          hangRate,
          hangTime,
          faultAfterCommit || base.afterCommit(),
          faultRouter || base.router(),
          seed);
    } catch (IllegalArgumentException e) {
      throw usage("Faults: " + e.getMessage());
    }
  }

  /** The flag's value read as the spec item {@code key}, else the item of {@code base}. */
  private <T> T item(
      String option, String key, String value, Function<FaultOptions, T> part, FaultOptions base) {
    if (value == null) {
      return part.apply(base);
    }
    try {
      return part.apply(FaultOptions.parse(key + "=" + value));
    } catch (IllegalArgumentException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** REGIONMOVE_HOME, else {@code .regionmove}: where the CLI keeps its state too. */
  private static Path defaultStateDir() {
    String home = System.getenv(HOME_ENV);
    return Path.of(home == null || home.isBlank() ? ".regionmove" : home);
  }
}
