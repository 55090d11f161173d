package io.regionmove.activities.data.mysql;

import java.math.BigDecimal;

/** A table's row count and order-independent checksum, as {@link MySqlInspector} computes it. */
record TableFingerprint(long rows, BigDecimal checksum) {

  boolean sameAs(TableFingerprint other) {
    return rows == other.rows && checksum.compareTo(other.checksum) == 0;
  }
}
