package io.regionmove.sandbox.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.regionmove.sandbox.addons.AddonBacking;
import java.time.Instant;
import java.util.List;

/**
 * An addon as the region keeps it. For an addon backed by a server (postgresql, mysql...), {@code
 * database}, {@code role} and {@code password} name its database and login there ({@link
 * #backing()}) and {@code variableNames} the generated variables holding its URL; they are null
 * (empty) for a metadata-only addon.
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

  public StoredAddon {
    variableNames = variableNames == null ? List.of() : List.copyOf(variableNames);
  }

  /** Whether a server holds this addon's database. */
  @JsonIgnore
  public boolean isBacked() {
    return database != null;
  }

  /** The database and login behind the addon; null for a metadata-only addon. */
  @JsonIgnore
  public AddonBacking backing() {
    return database == null ? null : new AddonBacking(database, role, password);
  }
}
