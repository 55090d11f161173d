package io.regionmove.sandbox;

import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one sandbox region until interrupted: {@code --region R --port P [--host H] [--state-dir D]
 * [--token T] [--pg-url URL] [--mysql-url URL]} and fault options ({@code --fault-rate 0.3
 * --fault-latency-ms 50-200 --fault-hang-rate 0.01 --fault-hang-ms 300000 --fault-after-commit
 * --fault-router --fault-seed 42}), each overriding the same item of {@code
 * REGIONMOVE_SANDBOX_FAULTS} (see {@link FaultOptions#parse}). Without {@code --pg-url} (or {@code
 * REGIONMOVE_PG_URL}) it starts a private PostgreSQL cluster in {@code <state-dir>/pg}; without
 * PostgreSQL binaries it runs without one and postgresql addons answer 422. Likewise for mysql
 * addons: {@code --mysql-url} (or {@code REGIONMOVE_MYSQL_URL}), else a private MariaDB server in
 * {@code <state-dir>/mariadb-<region>}.
 */
public final class SandboxMain {

  private SandboxMain() {}

  public static void main(String[] args) throws InterruptedException {
    String region = null;
    String host = SandboxOptions.DEFAULT_HOST;
    Integer port = null;
    Path stateDir = Path.of(".regionmove");
    String token = null;
    String pgUrl = System.getenv(LocalPostgres.PG_URL_ENV);
    String mysqlUrl = System.getenv(LocalMariaDb.MYSQL_URL_ENV);
    FaultOptions faults = FaultOptions.NONE;
    try {
      faults = FaultOptions.fromEnvironment();
    } catch (IllegalArgumentException e) {
      usageError(FaultOptions.ENV + ": " + e.getMessage());
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--region" -> region = value(args, ++i, arg);
        case "--host" -> host = value(args, ++i, arg);
        case "--port" -> port = port(value(args, ++i, arg));
        case "--state-dir" -> stateDir = Path.of(value(args, ++i, arg));
        case "--token" -> token = value(args, ++i, arg);
        case "--pg-url" -> pgUrl = value(args, ++i, arg);
        case "--mysql-url" -> mysqlUrl = value(args, ++i, arg);
        case "--fault-rate",
            "--fault-latency-ms",
            "--fault-hang-rate",
            "--fault-hang-ms",
            "--fault-seed" ->
            faults = fault(faults, arg, value(args, ++i, arg));
        case "--fault-after-commit" -> faults = faults.withAfterCommit(true);
        case "--fault-router" -> faults = faults.withRouter(true);
        case "-h", "--help" -> {
          System.out.println(usage());
          return;
        }
        default -> usageError("Unknown option " + arg + ".");
      }
    }
    if (region == null || port == null) {
      usageError("--region and --port are required.");
    }
    LocalPostgres local = null;
    PostgresServer pg = null;
    if (pgUrl != null && !pgUrl.isBlank()) {
      pg = PostgresServer.fromUrl(pgUrl);
    } else {
      try {
        local = LocalPostgres.start(stateDir.resolve("pg"));
        pg = local.server();
      } catch (RuntimeException e) {
        System.err.println(e.getMessage());
        System.err.println("Continuing without PostgreSQL: postgresql addons will answer 422.");
      }
    }
    LocalMariaDb localMysql = null;
    MariaDbServer mysql = null;
    if (mysqlUrl != null && !mysqlUrl.isBlank()) {
      mysql = MariaDbServer.fromUrl(mysqlUrl);
    } else {
      try {
        localMysql = LocalMariaDb.start(stateDir.resolve("mariadb-" + region));
        mysql = localMysql.server();
      } catch (RuntimeException e) {
        System.err.println(e.getMessage());
        System.err.println("Continuing without MariaDB: mysql addons will answer 422.");
      }
    }
    SandboxOptions options =
        new SandboxOptions(
            region,
            host,
            port,
            token,
            stateDir,
            new AddonServers(pg, mysql),
            SandboxOptions.defaultProviders(),
            faults);
    SandboxRegion sandbox = SandboxRegion.start(options);
    LocalPostgres startedPg = local;
    LocalMariaDb startedMysql = localMysql;
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
                  stopped.countDown();
                },
                "sandbox-stop"));
    System.out.println("Sandbox region " + sandbox.name() + " is running.");
    System.out.println(
        "  API:    " + sandbox.apiUrl() + "  (Authorization: Bearer " + sandbox.token() + ")");
    System.out.println("  Router: " + sandbox.routerUrl("<app>"));
    System.out.println("  State:  " + stateDir.toAbsolutePath().resolve(region + ".json"));
    if (pg != null) {
      System.out.println("  PostgreSQL: " + pg.host() + ":" + pg.port());
    }
    if (mysql != null) {
      System.out.println("  MariaDB:    " + mysql.host() + ":" + mysql.port());
    }
    if (faults.active()) {
      System.out.println(
          "  Faults: " + faults.toSpec() + "  (change them with PUT /_sandbox/faults)");
    }
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      usageError(option + " needs a value.");
    }
    return args[i];
  }

  private static FaultOptions fault(FaultOptions faults, String option, String value) {
    String item =
        switch (option) {
          case "--fault-rate" -> "rate";
          case "--fault-latency-ms" -> "latency";
          case "--fault-hang-rate" -> "hang";
          case "--fault-hang-ms" -> "hang-time";
          default -> "seed";
        };
    try {
      FaultOptions one = FaultOptions.parse(item + "=" + value);
      return switch (item) {
        case "rate" -> faults.withErrorRate(one.errorRate());
        case "latency" -> faults.withLatency(one.minLatency(), one.maxLatency());
        case "hang" -> faults.withHangRate(one.hangRate());
        case "hang-time" -> faults.withHangTime(one.hangTime());
        default -> faults.withSeed(one.seed());
      };
    } catch (IllegalArgumentException e) {
      usageError(option + ": " + e.getMessage());
      return faults;
    }
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        usageError("--port must be from 0 to 65535, not " + text + ".");
      }
      return port;
    } catch (NumberFormatException e) {
      usageError("--port must be a number, not '" + text + "'.");
      return -1;
    }
  }

  private static void usageError(String message) {
    System.err.println(message);
    System.err.println(usage());
    System.exit(2);
  }

  private static String usage() {
    return "usage: sandbox --region NAME --port PORT [--host HOST] [--state-dir DIR] [--token TOKEN] [--pg-url URL]\n"
        + "       [--mysql-url URL]\n"
        + "       [--fault-rate SHARE] [--fault-latency-ms MS|MIN-MAX] [--fault-hang-rate SHARE]"
        + " [--fault-hang-ms MS]\n"
        + "       [--fault-after-commit] [--fault-router] [--fault-seed N]\n"
        + "Faults also come from "
        + FaultOptions.ENV
        + ", e.g. rate=0.3,latency=50-200,hang=0.01,after-commit;"
        + " flags override it item by item.";
  }
}
