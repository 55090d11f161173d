package io.regionmove.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An addon provider offered by a region, with the plans and versions it offers.
 *
 * @param holdsData whether its addons hold data that a migration must move (a database, a cache);
 *     the Region API shows it on the provider and on each addon
 */
public record AddonProvider(
    String id,
    List<String> plans,
    List<String> versions,
    @JsonProperty("holds_data") boolean holdsData) {

  public AddonProvider {
    plans = List.copyOf(plans);
    versions = List.copyOf(versions);
  }

  /** A provider whose addons hold data. */
  public AddonProvider(String id, List<String> plans, List<String> versions) {
    this(id, plans, versions, true);
  }

  public boolean offers(String plan, String version) {
    return plans.contains(plan) && versions.contains(version);
  }
}
