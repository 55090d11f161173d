package io.regionmove.sandbox.redis;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.FlushMode;

/**
 * Creates and removes the redis addons of a region on its one Redis server: each addon is a
 * database number of its own and an ACL user of its own, whose password is the addon's.
 *
 * <p>One database per addon rather than one server per addon: the region runs one Redis server, as
 * it runs one PostgreSQL server, and an addon costs no process. Redis ACLs cannot scope keys to a
 * database, so each addon's user may {@code SELECT} only its own database ({@code -select
 * +select|N}) and may not run the commands that reach another one ({@code MOVE}, {@code COPY},
 * {@code SWAPDB}, {@code FLUSHALL}, {@code MIGRATE}) nor administrative ones; it keeps {@code
 * FLUSHDB}, {@code DUMP} and {@code RESTORE}, which the data step runs with the addon's own
 * credentials. What one server still shares between its addons: Pub/Sub channel names and the
 * script cache ({@code FUNCTION} is refused to addon users, as are {@code SCRIPT FLUSH} and {@code
 * SCRIPT KILL}), and memory.
 *
 * <p>The server itself records which database belongs to which addon, in its users' rules (kept in
 * its users file): a provisioning retried, or after a restart, finds the addon's database again.
 * Both operations are idempotent, so a retried provisioning or a deprovisioning of something never
 * created is harmless.
 */
public final class RedisAddonProvisioner {

  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9]{16,128}");
  private static final Pattern SELECT_RULE = Pattern.compile("\\+select\\|(\\d+)");

  private final RedisServer server;

  public RedisAddonProvisioner(RedisServer server) {
    this.server = server;
  }

  public RedisServer server() {
    return server;
  }

  /**
   * Creates the addon's user {@code user} with {@code password} and gives it an empty database of
   * its own; when the user exists, sets its password and keeps its database and data.
   */
  public synchronized RedisAddon provision(String user, String password) {
    checkUser(user);
    if (!PASSWORD.matcher(password).matches()) {
      throw new IllegalArgumentException("Redis addon passwords are 16 to 128 letters and digits.");
    }
    try (Jedis admin = server.connect(0)) {
      Optional<Integer> existing = databaseOf(admin, user);
      int database;
      if (existing.isPresent()) {
        database = existing.get();
      } else {
        database = freeDatabase(admin, user);
        // A database no user claims may still hold what a crashed deprovisioning left.
        admin.select(database);
        admin.flushDB(FlushMode.SYNC);
        admin.select(0);
      }
      admin.aclSetUser(user, rules(password, database));
      admin.aclSave();
      return new RedisAddon(user, password, database);
    }
  }

  /**
   * Empties the addon's database and deletes its user, which ends its connections; does nothing
   * when there is no such user.
   *
   * @return whether there was an addon to remove
   */
  public synchronized boolean deprovision(String user) {
    checkUser(user);
    try (Jedis admin = server.connect(0)) {
      Optional<Integer> database = databaseOf(admin, user);
      if (database.isEmpty()) {
        return false;
      }
      // Emptied first: a crash before the user is deleted leaves it to the retry.
      admin.select(database.get());
      admin.flushDB(FlushMode.SYNC);
      admin.select(0);
      admin.aclDelUser(user);
      admin.aclSave();
      return true;
    }
  }

  /** The database of the addon whose user is {@code user}, if it exists. */
  public synchronized Optional<Integer> database(String user) {
    checkUser(user);
    try (Jedis admin = server.connect(0)) {
      return databaseOf(admin, user);
    }
  }

  private static String[] rules(String password, int database) {
    return List.of(
            "reset",
            "on",
            ">" + password,
            "~*",
            "&*",
            "+@all",
            "-@admin",
            "-select",
            "+select|" + database,
            "-move",
            "-copy",
            "-swapdb",
            "-flushall",
            "-migrate",
            "-function",
            "-script|flush",
            "-script|kill")
        .toArray(String[]::new);
  }

  private static Optional<Integer> databaseOf(Jedis admin, String user) {
    for (String line : admin.aclList()) {
      if (line.startsWith("user " + user + " ")) {
        return selectableDatabase(line);
      }
    }
    return Optional.empty();
  }

  private int freeDatabase(Jedis admin, String user) {
    TreeSet<Integer> taken = new TreeSet<>();
    for (String line : admin.aclList()) {
      selectableDatabase(line).ifPresent(taken::add);
    }
    int databases = Integer.parseInt(admin.configGet("databases").get("databases"));
    for (int db = 1; db < databases; db++) {
      if (!taken.contains(db)) {
        return db;
      }
    }
    throw new IllegalStateException(
        "The Redis server "
            + server
            + " has no database left for addon "
            + user
            + ": all "
            + (databases - 1)
            + " are taken.");
  }

  private static Optional<Integer> selectableDatabase(String aclLine) {
    Matcher matcher = SELECT_RULE.matcher(aclLine);
    return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
  }

  private static void checkUser(String user) {
    if (user == null || !USER.matcher(user).matches() || user.equals("default")) {
      throw new IllegalArgumentException("Not a usable Redis addon user name: " + user);
    }
  }
}
