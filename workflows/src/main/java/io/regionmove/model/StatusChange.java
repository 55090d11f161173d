package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * One status change of a migration, as a webhook receives it (SPEC §10 {@code --notify}).
 *
 * @param step the step running, or the last one that ran ({@code preflight}, {@code prepare}, …)
 * @param at the workflow time of the change
 * @param sequence 1 for the first change of the migration, then 2, 3…: deliveries are independent,
 *     so a receiver orders them by it and drops one it has already seen
 */
@JsonPropertyOrder({
  "migration_id",
  "app",
  "source",
  "destination",
  "status",
  "step",
  "at",
  "sequence"
})
public record StatusChange(
    @JsonProperty("migration_id") String migrationId,
    @JsonProperty("app") String app,
    @JsonProperty("source") String source,
    @JsonProperty("destination") String destination,
    @JsonProperty("status") MigrationStatus status,
    @JsonProperty("step") Phase step,
    @JsonProperty("at") Instant at,
    @JsonProperty("sequence") int sequence) {}
