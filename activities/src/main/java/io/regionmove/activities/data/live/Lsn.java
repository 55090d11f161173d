package io.regionmove.activities.data.live;

/** A PostgreSQL WAL position ({@code 16/B374D848}) as a number, to compare and subtract. */
final class Lsn {

  private Lsn() {}

  /** The position; 0 for null. */
  static long parse(String lsn) {
    if (lsn == null || lsn.isBlank()) {
      return 0;
    }
    int slash = lsn.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a WAL position: " + lsn);
    }
    return (Long.parseLong(lsn.substring(0, slash), 16) << 32)
        | Long.parseLong(lsn.substring(slash + 1), 16);
  }
}
