package io.regionmove.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/**
 * An addon provider offered by a region, with the plans and versions it offers, and whether its
 * addons hold data that a migration must move ({@code holds_data} in the Region API).
 */
public record AddonProvider(
    String id,
    List<String> plans,
    List<String> versions,
    @JsonProperty("holds_data") boolean holdsData) {

  /** The providers whose addons are databases: their data must move with the app (SPEC §8). */
  public static final Set<String> DATA_PROVIDERS =
      Set.of("postgresql", "mysql", "redis", "mongodb");

  public AddonProvider {
    plans = List.copyOf(plans);
    versions = List.copyOf(versions);
  }

  /** Holds data iff it is one of {@link #DATA_PROVIDERS}. */
  public AddonProvider(String id, List<String> plans, List<String> versions) {
    this(id, plans, versions, DATA_PROVIDERS.contains(id));
  }

  public boolean offers(String plan, String version) {
    return plans.contains(plan) && versions.contains(version);
  }
}
