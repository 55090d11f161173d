package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What a source region says of a postgresql addon's readiness to be replicated (SPEC §9).
 *
 * @param walLevel the server's {@code wal_level}; {@code logical} is needed
 * @param replication whether the addon's role has the {@code REPLICATION} attribute
 * @param slots the replication slots of the addon's database
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReplicationSource(
    String walLevel,
    int maxReplicationSlots,
    int freeReplicationSlots,
    int maxWalSenders,
    int freeWalSenders,
    boolean replication,
    List<ReplicationSlot> slots) {

  public ReplicationSource {
    slots = slots == null ? List.of() : List.copyOf(slots);
  }

  /** One replication slot of the addon's database. */
  public record ReplicationSlot(String name, String plugin, boolean active) {}
}
