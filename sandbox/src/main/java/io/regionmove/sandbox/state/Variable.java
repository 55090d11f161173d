package io.regionmove.sandbox.state;

/**
 * An environment variable; {@code generated} ones are managed by an addon and never stored as such.
 */
public record Variable(String name, String value, boolean generated) {}
