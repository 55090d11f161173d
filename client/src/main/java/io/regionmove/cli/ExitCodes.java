package io.regionmove.cli;

/** The exit codes of SPEC §3. */
final class ExitCodes {

  /** Done as asked. */
  static final int OK = 0;

  /** The migration or step ended in error, or was rejected (wrong order, unknown id). */
  static final int FAILED = 1;

  /** A usage or configuration error. */
  static final int USAGE = 2;

  /** Temporal or a region cannot be reached. */
  static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
