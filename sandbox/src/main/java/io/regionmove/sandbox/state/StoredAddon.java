package io.regionmove.sandbox.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * An addon as the region keeps it. For a postgresql addon, {@code database}, {@code role} and
 * {@code password} name its database on the region's PostgreSQL server and {@code variableNames}
 * the generated variables holding its URL; they are null (empty) for other providers.
 */
public record StoredAddon(
    String id,
    String provider,
    String plan,
    String version,
    String reference,
    String database,
    String role,
    String password,
    @JsonProperty("variable_names") List<String> variableNames,
    @JsonProperty("created_at") Instant createdAt) {

  public static final String POSTGRESQL = "postgresql";

  public StoredAddon {
    variableNames = variableNames == null ? List.of() : List.copyOf(variableNames);
  }

  public boolean isPostgresql() {
    return POSTGRESQL.equals(provider) && database != null;
  }
}
