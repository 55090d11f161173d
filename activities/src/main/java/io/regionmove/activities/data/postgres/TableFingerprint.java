package io.regionmove.activities.data.postgres;

import java.math.BigDecimal;

/**
 * A table's row count and order-independent checksum: the sum, as numeric so it cannot overflow, of
 * the 64-bit hash of each row's text.
 */
record TableFingerprint(long rows, BigDecimal checksum) {}
