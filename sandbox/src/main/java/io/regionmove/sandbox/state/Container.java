package io.regionmove.sandbox.state;

/** One process type of a formation. */
public record Container(String name, int amount, String size) {}
