package io.regionmove.activities.region;

/** An environment variable; {@code generated} ones come from addons and are never copied. */
public record Variable(String name, String value, boolean generated) {

  /** Never prints the value. */
  @Override
  public String toString() {
    return "Variable[name=" + name + ", generated=" + generated + "]";
  }
}
