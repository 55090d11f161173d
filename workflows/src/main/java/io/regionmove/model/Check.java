package io.regionmove.model;

/** One preflight check and, when it failed, the sentence that says why. */
public record Check(String name, boolean passed, String message) {

  public static Check passed(String name) {
    return new Check(name, true, null);
  }

  public static Check failed(String name, String message) {
    return new Check(name, false, message);
  }
}
