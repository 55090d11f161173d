package io.regionmove.activities;

import io.regionmove.model.ConfigKind;

/**
 * Copies (or removes again) one kind of configuration from the source app to the destination app.
 */
public record ConfigInput(MoveInput move, ConfigKind kind) {}
