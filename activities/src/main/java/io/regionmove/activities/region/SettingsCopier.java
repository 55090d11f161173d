package io.regionmove.activities.region;

import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.AppSettings;
import io.regionmove.regionapi.RegionClient;
import java.util.List;

/** The app settings ({@code force_https}, {@code sticky_session}). */
final class SettingsCopier implements ConfigCopier {

  @Override
  public ConfigPlan plan(RegionClient source, String app) {
    AppSettings settings = source.getApp(app).settings();
    return new ConfigPlan(
        ConfigKind.SETTINGS,
        List.of(
            "force_https=" + settings.forceHttps(), "sticky_session=" + settings.stickySession()),
        List.of(),
        "settings " + describe(settings));
  }

  @Override
  public List<String> copy(ConfigMove move) {
    AppSettings settings = move.source().getApp(move.app()).settings();
    move.destination().updateSettings(move.newName(), settings);
    return List.of("Copied the settings: " + describe(settings) + ".");
  }

  /** A new app has the default settings, so undoing the copy means going back to them. */
  @Override
  public List<String> remove(ConfigMove move) {
    if (move.target().settings().equals(AppSettings.DEFAULTS)) {
      return List.of(
          "The settings are already those of a new app: " + describe(AppSettings.DEFAULTS) + ".");
    }
    move.destination().updateSettings(move.newName(), AppSettings.DEFAULTS);
    return List.of(
        "Reset the settings to those of a new app: " + describe(AppSettings.DEFAULTS) + ".");
  }

  private static String describe(AppSettings settings) {
    return "force_https=" + settings.forceHttps() + ", sticky_session=" + settings.stickySession();
  }
}
