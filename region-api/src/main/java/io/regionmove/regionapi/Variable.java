package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** An environment variable; {@code generated} ones come from addons and are never copied. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Variable(String name, String value, boolean generated) {

  /** Never prints the value. */
  @Override
  public String toString() {
    return "Variable[name=" + name + ", generated=" + generated + "]";
  }
}
