package io.regionmove.sandbox;

import io.regionmove.sandbox.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to run one sandbox region.
 *
 * @param region the region name, e.g. {@code agora-fr1}; also the second label of router host names
 * @param host the address to listen on, e.g. {@code 127.0.0.1}
 * @param port the port, 0 for an ephemeral one
 * @param token the bearer token of the Region API; null to use the one kept in the state dir
 *     (generated on first start)
 * @param stateDir where the region keeps its state ({@code <region>.json})
 * @param postgres the PostgreSQL server holding postgresql addons; null makes postgresql addons
 *     answer 422
 * @param providers the addon providers offered
 * @param faults the faults injected into requests ({@link FaultOptions#NONE} when null); they can
 *     be changed while the region runs with {@link SandboxRegion#setFaults} or {@code PUT
 *     /_sandbox/faults}
 */
public record SandboxOptions(
    String region,
    String host,
    int port,
    String token,
    Path stateDir,
    PostgresServer postgres,
    List<AddonProvider> providers,
    FaultOptions faults) {

  public static final String DEFAULT_HOST = "127.0.0.1";

  public SandboxOptions {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(stateDir, "stateDir");
    providers = List.copyOf(providers);
    faults = faults == null ? FaultOptions.NONE : faults;
  }

  /** Options without faults. */
  public SandboxOptions(
      String region,
      String host,
      int port,
      String token,
      Path stateDir,
      PostgresServer postgres,
      List<AddonProvider> providers) {
    this(region, host, port, token, stateDir, postgres, providers, FaultOptions.NONE);
  }

  /**
   * postgresql plans starter-512 and business-1024 in versions 14 and 15, redis starter-256 in
   * version 7, and mongodb starter-512 in version 7 (metadata only: a provider whose data no engine
   * moves, SPEC §8).
   */
  public static List<AddonProvider> defaultProviders() {
    return List.of(
        new AddonProvider(
            "postgresql", List.of("starter-512", "business-1024"), List.of("14", "15")),
        new AddonProvider("redis", List.of("starter-256"), List.of("7")),
        new AddonProvider("mongodb", List.of("starter-512"), List.of("7")));
  }

  public static SandboxOptions defaults(String region, int port, Path stateDir, PostgresServer pg) {
    return new SandboxOptions(region, DEFAULT_HOST, port, null, stateDir, pg, defaultProviders());
  }

  public SandboxOptions withToken(String newToken) {
    return new SandboxOptions(region, host, port, newToken, stateDir, postgres, providers, faults);
  }

  public SandboxOptions withProviders(List<AddonProvider> newProviders) {
    return new SandboxOptions(region, host, port, token, stateDir, postgres, newProviders, faults);
  }

  public SandboxOptions withFaults(FaultOptions newFaults) {
    return new SandboxOptions(region, host, port, token, stateDir, postgres, providers, newFaults);
  }
}
