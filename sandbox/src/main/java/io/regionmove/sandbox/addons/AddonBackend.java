package io.regionmove.sandbox.addons;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What backs the addons of one provider in a sandbox region: a real server on which each addon gets
 * its own database and login ({@link AddonBacking}), reached through the URL the addon's generated
 * variables hold. A region registers one backend per provider it serves with a server ({@link
 * AddonBackends}); a provider offered without one is metadata only.
 *
 * <p>Every operation is idempotent: provisioning the same backing again leaves it as it is (its
 * password set to the backing's), deprovisioning one that does not exist is harmless.
 */
public interface AddonBackend {

  /** The addon provider served, as the Region API names it: {@code postgresql}, {@code mysql}. */
  String provider();

  /**
   * Names the database, login and password of a new addon of {@code app}; nothing is created yet.
   * The names are unique on a server that several regions share.
   */
  AddonBacking newBacking(String region, String app);

  /**
   * Creates the database and the login that owns it.
   *
   * @return the backing as provisioned: {@code backing} itself, or with what the server chose
   *     filled in (the database number of a redis addon)
   */
  AddonBacking provision(AddonBacking backing) throws AddonBackendException;

  /** Drops the database (ending its sessions) and the login, if they exist. */
  void deprovision(AddonBacking backing) throws AddonBackendException;

  /** Whether the addon's database exists on the server. */
  boolean exists(AddonBacking backing) throws AddonBackendException;

  /**
   * The addon's connection URL with its credentials, as its generated variables hold it, e.g.
   * {@code mysql://user:password@127.0.0.1:3306/db}.
   */
  String url(AddonBacking backing);

  /**
   * The generated variables of a new addon of this provider, given those the app's addons already
   * have: {@code SCALINGO_<PROVIDER>_URL} for the first, then {@code SCALINGO_<PROVIDER>_2_URL}...
   */
  default List<String> variableNames(Set<String> taken) {
    String stem = "SCALINGO_" + provider().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    if (!taken.contains(stem + "_URL")) {
      return List.of(stem + "_URL");
    }
    int n = 2;
    while (taken.contains(stem + "_" + n + "_URL")) {
      n++;
    }
    return List.of(stem + "_" + n + "_URL");
  }
}
