package io.regionmove.activities.region;

/** The settings of an app, as the Region API shows them. */
public record AppSettings(boolean forceHttps, boolean stickySession) {

  /** The settings a newly created app has. */
  public static final AppSettings DEFAULTS = new AppSettings(false, false);
}
