package io.regionmove.activities;

import io.regionmove.model.Addon;
import java.util.List;

/**
 * Asks the source region what a migration would move: its configuration, and the size of each addon
 * an engine moves.
 *
 * @param addons the addons as the source check described them
 * @param manualData the ids of the addons whose data the user moves by hand
 */
public record PlanInput(MoveInput move, List<Addon> addons, List<String> manualData) {

  public PlanInput {
    addons = addons == null ? List.of() : List.copyOf(addons);
    manualData = manualData == null ? List.of() : List.copyOf(manualData);
  }
}
