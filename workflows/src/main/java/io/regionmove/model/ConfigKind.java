package io.regionmove.model;

/** The kinds of configuration the prepare phase copies, in the order it copies them. */
public enum ConfigKind {
  VARIABLES("environment variables"),
  COLLABORATORS("collaborators"),
  DOMAINS("domains and TLS certificates"),
  SETTINGS("settings"),
  FORMATION("formation"),
  NOTIFIERS("notifiers");

  private final String label;

  ConfigKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
