package io.regionmove.sandbox.addons;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The database and login behind one addon on its provider's server, as the region keeps them.
 *
 * @param database the addon's database (or the backend's unit: a key space...)
 * @param user the login that owns it
 * @param password the login's password (alphanumeric)
 */
public record AddonBacking(String database, String user, String password) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A database and login both named {@code rm_<region>_<app>_<random>} (at most 57 characters of
   * {@code [a-z0-9_]}, so unique on a server several regions share and valid on every server), and
   * a random 32-character hex password.
   */
  public static AddonBacking fresh(String region, String app) {
    String base = ("rm_" + region + "_" + app).replaceAll("[^a-z0-9]", "_");
    if (base.length() > 48) {
      base = base.substring(0, 48);
    }
    String name = base + "_" + HexFormat.of().formatHex(randomBytes(4));
    return new AddonBacking(name, name, HexFormat.of().formatHex(randomBytes(16)));
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "AddonBacking[database=" + database + ", user=" + user + "]";
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
