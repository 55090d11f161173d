package io.regionmove.activities;

import io.regionmove.model.Addon;
import java.util.List;

/** Asks the destination region whether it can host the app and its addons. */
public record DestinationCheckInput(MoveInput move, List<Addon> addons) {

  public DestinationCheckInput {
    addons = addons == null ? List.of() : List.copyOf(addons);
  }
}
