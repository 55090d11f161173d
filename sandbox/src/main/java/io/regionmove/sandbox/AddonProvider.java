package io.regionmove.sandbox;

import java.util.List;

/** An addon provider offered by a region, with the plans and versions it offers. */
public record AddonProvider(String id, List<String> plans, List<String> versions) {

  public AddonProvider {
    plans = List.copyOf(plans);
    versions = List.copyOf(versions);
  }

  public boolean offers(String plan, String version) {
    return plans.contains(plan) && versions.contains(version);
  }
}
