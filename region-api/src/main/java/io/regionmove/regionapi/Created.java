package io.regionmove.regionapi;

/**
 * What a create call answered: the object, and whether this call made it ({@code false} when the
 * region found an existing one with the same reference, as on a retried call).
 */
public record Created<T>(T value, boolean isNew) {}
