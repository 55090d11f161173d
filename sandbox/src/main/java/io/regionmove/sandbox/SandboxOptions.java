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
 * @param servers the data servers holding the addons of each provider; a provider whose server is
 *     missing answers 422 ({@link AddonServers#NONE} when null)
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
    AddonServers servers,
    List<AddonProvider> providers,
    FaultOptions faults) {

  public static final String DEFAULT_HOST = "127.0.0.1";

  public SandboxOptions {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(stateDir, "stateDir");
    servers = servers == null ? AddonServers.NONE : servers;
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
      AddonServers servers,
      List<AddonProvider> providers) {
    this(region, host, port, token, stateDir, servers, providers, FaultOptions.NONE);
  }

  /**
   * postgresql plans starter-512 and business-1024 in versions 14 and 15, mysql starter-512 and
   * business-1024 in version 10.11, redis starter-256 in version 7, and mongodb starter-512 in
   * version 7 (metadata only: a provider whose data no engine moves, SPEC §8).
   */
  public static List<AddonProvider> defaultProviders() {
    return List.of(
        new AddonProvider(
            "postgresql", List.of("starter-512", "business-1024"), List.of("14", "15")),
        new AddonProvider("mysql", List.of("starter-512", "business-1024"), List.of("10.11")),
        new AddonProvider("redis", List.of("starter-256"), List.of("7")),
        new AddonProvider("mongodb", List.of("starter-512"), List.of("7")));
  }

  public static SandboxOptions defaults(
      String region, int port, Path stateDir, AddonServers servers) {
    return new SandboxOptions(
        region, DEFAULT_HOST, port, null, stateDir, servers, defaultProviders());
  }

  /** With a PostgreSQL server only. */
  public static SandboxOptions defaults(String region, int port, Path stateDir, PostgresServer pg) {
    return defaults(region, port, stateDir, AddonServers.postgres(pg));
  }

  /** The PostgreSQL server of postgresql addons; null when the region has none. */
  public PostgresServer postgres() {
    return servers.postgres();
  }

  public SandboxOptions withToken(String newToken) {
    return new SandboxOptions(region, host, port, newToken, stateDir, servers, providers, faults);
  }

  public SandboxOptions withServers(AddonServers newServers) {
    return new SandboxOptions(region, host, port, token, stateDir, newServers, providers, faults);
  }

  public SandboxOptions withProviders(List<AddonProvider> newProviders) {
    return new SandboxOptions(region, host, port, token, stateDir, servers, newProviders, faults);
  }

  public SandboxOptions withFaults(FaultOptions newFaults) {
    return new SandboxOptions(region, host, port, token, stateDir, servers, providers, newFaults);
  }
}
