package io.regionmove.activities;

import io.regionmove.model.Addon;

/**
 * One source addon and the move it belongs to; the destination addon made for it is found by the
 * migration id and the source addon id, so calls are idempotent.
 *
 * @param direction which way the data goes; null (inputs recorded before rollbacks existed) is
 *     {@link CopyDirection#FORWARD}
 */
public record AddonInput(MoveInput move, Addon addon, CopyDirection direction) {

  public AddonInput {
    direction = direction == null ? CopyDirection.FORWARD : direction;
  }

  /** The data step's input: from the source addon to the destination one. */
  public AddonInput(MoveInput move, Addon addon) {
    this(move, addon, CopyDirection.FORWARD);
  }

  /** The same addon copied the other way: from the destination addon back into the source one. */
  public AddonInput back() {
    return new AddonInput(move, addon, CopyDirection.BACK);
  }
}
