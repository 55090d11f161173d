package io.regionmove.cli;

import java.util.regex.Pattern;

/**
 * Checks of the names and ids the user types, before anything is asked of Temporal or a region: a
 * malformed value is a usage error (exit 2) with one sentence, and nothing is started. A
 * well-formed name that does not exist is left to the region and the preflight checks.
 */
final class InputChecks {

  /** The Region API's rule for app names (SPEC §5; the sandbox enforces the same). */
  private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{1,47}");

  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int SHOWN = 60;

  private InputChecks() {}

  static String app(String option, String value) {
    if (value == null || !APP.matcher(value).matches()) {
      throw new CliException(
          ExitCodes.USAGE,
          option
              + " "
              + shown(value)
              + " is not an app name; an app name is 2 to 48 lowercase letters, digits"
              + " and dashes, starting with a letter or digit.");
    }
    return value;
  }

  static String region(String option, String value) {
    if (value == null || !REGION.matcher(value).matches()) {
      throw new CliException(
          ExitCodes.USAGE,
          option
              + " "
              + shown(value)
              + " is not a region name; a region name is lowercase letters, digits"
              + " and dashes, such as agora-fr1.");
    }
    return value;
  }

  static String migrationId(String value) {
    if (value == null || !UUID.matcher(value).matches()) {
      throw new CliException(
          ExitCodes.USAGE,
          shown(value)
              + " is not a migration id; use the id (a UUID) that migration-create printed, or list"
              + " them with `regionmove --region R --app A migrations`.");
    }
    return value;
  }

  static String batchId(String value) {
    if (value == null
        || !value.startsWith("batch-")
        || !UUID.matcher(value.substring("batch-".length())).matches()) {
      throw new CliException(
          ExitCodes.USAGE,
          shown(value)
              + " is not a batch id; use the id (batch- and a UUID) that migration-batch printed.");
    }
    return value;
  }

  /**
   * The value quoted, cut to a readable length, control characters shown as '?' so stderr stays one
   * line.
   */
  static String shown(String value) {
    if (value == null) {
      return "''";
    }
    String cut = value.length() > SHOWN ? value.substring(0, SHOWN) + "..." : value;
    StringBuilder s = new StringBuilder("'");
    cut.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.append('\'').toString();
  }
}
