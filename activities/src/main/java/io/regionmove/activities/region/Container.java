package io.regionmove.activities.region;

/** One process type of an app's formation: how many containers of which size. */
public record Container(String name, int amount, String size) {}
