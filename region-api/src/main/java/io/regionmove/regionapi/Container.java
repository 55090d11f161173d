package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One process type of an app's formation: how many containers of which size. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Container(String name, int amount, String size) {}
