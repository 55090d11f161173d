package io.regionmove.model;

/** One process type of an app's formation. */
public record Process(String name, int amount, String size) {}
