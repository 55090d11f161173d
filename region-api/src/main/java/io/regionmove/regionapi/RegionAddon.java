package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An addon of an app. {@code url} (the connection URL, a secret) is only filled by {@link
 * RegionClient#getAddon}; {@code reference} is the idempotency key it was created with; {@code
 * holdsData} says whether its provider's addons hold data (null when the region does not say).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RegionAddon(
    String id,
    String provider,
    String plan,
    String version,
    String status,
    String reference,
    String url,
    Boolean holdsData) {

  /** Never prints the URL. */
  @Override
  public String toString() {
    return "RegionAddon[id="
        + id
        + ", provider="
        + provider
        + ", plan="
        + plan
        + ", version="
        + version
        + ", status="
        + status
        + ", reference="
        + reference
        + ", holdsData="
        + holdsData
        + "]";
  }
}
