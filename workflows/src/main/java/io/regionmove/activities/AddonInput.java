package io.regionmove.activities;

import io.regionmove.model.Addon;

/**
 * One source addon and the move it belongs to; the destination addon made for it is found by the
 * migration id and the source addon id, so calls are idempotent.
 */
public record AddonInput(MoveInput move, Addon addon) {}
