package io.regionmove.sandbox.redis;

import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBacking;
import redis.clients.jedis.exceptions.JedisException;

/**
 * redis addons on the region's Redis server, through {@link RedisAddonProvisioner}: an addon's
 * backing is its ACL user, that user's password and the number of its database (chosen by the
 * server when the addon is provisioned, kept as the backing's {@code database}). Its URL is {@code
 * redis://user:password@host:port/db} in {@value RedisAddon#URL_VARIABLE}.
 */
public final class RedisAddonBackend implements AddonBackend {

  public static final String PROVIDER = "redis";

  private final RedisAddonProvisioner provisioner;

  public RedisAddonBackend(RedisServer server) {
    this.provisioner = new RedisAddonProvisioner(server);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** A fresh user and password; the database is the server's choice, made at provisioning. */
  @Override
  public AddonBacking newBacking(String region, String app) {
    AddonBacking fresh = AddonBacking.fresh(region, app);
    return new AddonBacking(null, fresh.user(), fresh.password());
  }

  @Override
  public AddonBacking provision(AddonBacking backing) throws AddonBackendException {
    try {
      RedisAddon addon = provisioner.provision(backing.user(), backing.password());
      return new AddonBacking(Integer.toString(addon.database()), addon.user(), backing.password());
    } catch (JedisException | IllegalStateException e) {
      throw new AddonBackendException(
          "Could not create the database of the redis addon: " + e.getMessage(), e);
    }
  }

  @Override
  public void deprovision(AddonBacking backing) throws AddonBackendException {
    try {
      provisioner.deprovision(backing.user());
    } catch (JedisException e) {
      throw new AddonBackendException(
          "Could not drop the database of the redis addon: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(AddonBacking backing) throws AddonBackendException {
    try {
      return provisioner.database(backing.user()).isPresent();
    } catch (JedisException e) {
      throw new AddonBackendException("Could not reach Redis: " + e.getMessage(), e);
    }
  }

  @Override
  public String url(AddonBacking backing) {
    return provisioner
        .server()
        .url(backing.user(), backing.password(), Integer.parseInt(backing.database()));
  }
}
