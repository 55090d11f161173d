package io.regionmove.activities;

import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.Formation;
import java.util.List;

/**
 * The preflight checks made on the source app, and what the workflow needs to know of it.
 *
 * @param customDomains the app's custom domain names, for the CNAME changes printed at the end
 */
public record SourceCheck(
    List<Check> checks, List<Addon> addons, Formation formation, List<String> customDomains) {

  public SourceCheck {
    checks = checks == null ? List.of() : List.copyOf(checks);
    addons = addons == null ? List.of() : List.copyOf(addons);
    formation = formation == null ? new Formation(List.of()) : formation;
    customDomains = customDomains == null ? List.of() : List.copyOf(customDomains);
  }

  /**
   * Whether the source app was found and read: when it is missing, that is the one check made, and
   * it failed.
   */
  public boolean appFound() {
    return checks.stream().anyMatch(Check::passed);
  }
}
