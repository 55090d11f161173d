package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * An addon provider offered in a region, with the plans and versions it offers there.
 *
 * @param holdsData whether its addons hold data (databases) that a migration must move; null when
 *     the region does not say
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AddonProvider(
    String id, List<String> plans, List<String> versions, Boolean holdsData) {

  public AddonProvider {
    plans = plans == null ? List.of() : List.copyOf(plans);
    versions = versions == null ? List.of() : List.copyOf(versions);
  }
}
