package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** An app as its region's Region API shows it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RegionApp(
    String name,
    String region,
    String status,
    boolean migrating,
    String url,
    String reference,
    List<Container> formation,
    AppSettings settings,
    AppRedirect redirect) {

  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";

  public RegionApp {
    formation = formation == null ? List.of() : List.copyOf(formation);
    settings = settings == null ? AppSettings.DEFAULTS : settings;
  }

  /** Whether this app was created by the migration whose id is given. */
  public boolean madeBy(String migrationId) {
    return migrationId != null && migrationId.equals(reference);
  }
}
