package io.regionmove.model;

/**
 * How the data of an addon moves (SPEC §8). The source region's workers decide it during preflight,
 * from the region's provider catalogue (does the provider hold data?) and from their data engines
 * (does one move it?); the workflow only reads it.
 */
public enum DataHandling {
  /** Holds no data: the data step only provisions it in the destination. */
  NONE,
  /** Holds data that an engine of regionmove's workers moves: backup, restore, verify. */
  ENGINE,
  /**
   * Holds data that no engine moves: preflight refuses the migration unless the user names the
   * addon in {@code --manual-data}; then it is provisioned empty and the user moves its data.
   */
  MANUAL
}
