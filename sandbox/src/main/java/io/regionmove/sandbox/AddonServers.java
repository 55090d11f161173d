package io.regionmove.sandbox;

import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackends;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.mysql.MySqlAddonProvisioner;
import io.regionmove.sandbox.postgres.AddonDatabaseProvisioner;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.redis.RedisAddonBackend;
import io.regionmove.sandbox.redis.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data servers of one sandbox region, each holding the addons of one provider. A missing (null)
 * server makes its provider's addons answer 422 when provisioned.
 *
 * @param postgres the PostgreSQL server of postgresql addons
 * @param mysql the MariaDB server of mysql addons
 * @param redis the Redis server of redis addons (one database and one ACL user per addon)
 */
public record AddonServers(PostgresServer postgres, MariaDbServer mysql, RedisServer redis) {

  /** No server: only metadata-only providers can be provisioned. */
  public static final AddonServers NONE = new AddonServers(null, null, null);

  /** Only a PostgreSQL server. */
  public static AddonServers postgres(PostgresServer postgres) {
    return new AddonServers(postgres, null, null);
  }

  public AddonServers withMysql(MariaDbServer newMysql) {
    return new AddonServers(postgres, newMysql, redis);
  }

  public AddonServers withRedis(RedisServer newRedis) {
    return new AddonServers(postgres, mysql, newRedis);
  }

  /** The backends these servers give the region, and the providers that need a server. */
  public AddonBackends backends() {
    List<AddonBackend> backends = new ArrayList<>();
    if (postgres != null) {
      backends.add(new AddonDatabaseProvisioner(postgres));
    }
    if (mysql != null) {
      backends.add(new MySqlAddonProvisioner(mysql));
    }
    if (redis != null) {
      backends.add(new RedisAddonBackend(redis));
    }
    return new AddonBackends(
        backends,
        Map.of(
            AddonDatabaseProvisioner.PROVIDER, "PostgreSQL",
            MySqlAddonProvisioner.PROVIDER, "MariaDB",
            RedisAddonBackend.PROVIDER, "Redis"));
  }
}
