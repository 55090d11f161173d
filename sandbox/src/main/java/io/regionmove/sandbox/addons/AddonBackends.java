package io.regionmove.sandbox.addons;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The addon backends of one region, by provider, and the providers that need one: an addon of such
 * a provider cannot be provisioned while its server is missing (422), whereas a provider that needs
 * no server (metadata only, like the sandbox's {@code mongodb}) is stored without a backing.
 */
public final class AddonBackends {

  private final Map<String, AddonBackend> byProvider = new TreeMap<>();
  private final Map<String, String> serverNames;

  /**
   * @param backends the region's backends, at most one per provider
   * @param serverNames every provider served with a server, with the server's name for messages
   *     ({@code mysql} → {@code MariaDB}), whether or not the region has that server
   */
  public AddonBackends(
      Collection<? extends AddonBackend> backends, Map<String, String> serverNames) {
    for (AddonBackend backend : backends) {
      if (byProvider.putIfAbsent(backend.provider(), backend) != null) {
        throw new IllegalArgumentException("two backends serve " + backend.provider() + " addons");
      }
    }
    this.serverNames = Map.copyOf(serverNames);
  }

  public Optional<AddonBackend> of(String provider) {
    return Optional.ofNullable(byProvider.get(provider));
  }

  /** Whether addons of {@code provider} live on a server (which the region may lack). */
  public boolean needsServer(String provider) {
    return serverNames.containsKey(provider) || byProvider.containsKey(provider);
  }

  /** The name of the server of {@code provider}'s addons, for messages: {@code PostgreSQL}. */
  public String serverName(String provider) {
    return serverNames.getOrDefault(provider, provider);
  }
}
