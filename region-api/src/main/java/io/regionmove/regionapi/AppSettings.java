package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The settings of an app, as the Region API shows them. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AppSettings(boolean forceHttps, boolean stickySession) {

  /** The settings a newly created app has. */
  public static final AppSettings DEFAULTS = new AppSettings(false, false);
}
