package io.regionmove.activities;

/** Which way a data activity copies an addon's data. */
public enum CopyDirection {
  /** The data step: from the source addon to the destination addon made for it. */
  FORWARD,
  /**
   * A rollback (SPEC §10): from the destination addon back into the source addon it was made for,
   * whose content it replaces.
   */
  BACK
}
