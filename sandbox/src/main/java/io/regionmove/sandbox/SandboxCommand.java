package io.regionmove.sandbox;

import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
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
 * 422. Faults start from {@value FaultOptions#ENV} and each {@code --fault-*} flag overrides its
 * item (see {@link FaultOptions#parse}). A usage error exits 2; a region that cannot start, 1.
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

    String url = pgUrl != null ? pgUrl : System.getenv(LocalPostgres.PG_URL_ENV);
    LocalPostgres local = null;
    PostgresServer pg = null;
    if (url != null && !url.isBlank()) {
      pg = PostgresServer.fromUrl(url);
    } else {
      try {
        local = LocalPostgres.start(dir.resolve("pg").resolve(region));
        pg = local.server();
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        err.println("Continuing without PostgreSQL: postgresql addons will answer 422.");
      }
    }
    SandboxRegion sandbox;
    try {
      sandbox =
          SandboxRegion.start(
              new SandboxOptions(
                  region, host, port, token, dir, pg, SandboxOptions.defaultProviders(), faults));
    } catch (RuntimeException e) {
      if (local != null) {
        local.close();
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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sandbox.close();
                  if (startedPg != null) {
                    startedPg.close();
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
    if (faults.active()) {
      out.println("  Faults: " + faults.toSpec() + "  (change them with PUT /_sandbox/faults)");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
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
