package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Asks a destination region to replicate a source addon into one of its addons.
 *
 * @param sourceUrl the source addon's {@code postgresql://} URL with its credentials (a secret:
 *     never logged, never shown by {@link #toString()})
 * @param slot the replication slot on the source to stream from; it must exist
 * @param copyData whether the subscription first copies each table's rows
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReplicationRequest(
    String sourceUrl, String publication, String subscription, String slot, boolean copyData) {

  @Override
  public String toString() {
    return "ReplicationRequest[publication="
        + publication
        + ", subscription="
        + subscription
        + ", slot="
        + slot
        + ", copyData="
        + copyData
        + "]";
  }
}
