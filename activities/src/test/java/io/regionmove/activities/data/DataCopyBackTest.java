package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.CopyDirection;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback's copy back (SPEC §10) against real PostgreSQL: the same activities, the input's
 * {@link CopyDirection#BACK} making them read the destination addon and write the source addon.
 */
class DataCopyBackTest {

  private static PrivateCluster pg;

  @TempDir Path backups;
  private TestActivityEnvironment env;
  private DataActivities activities;
  private DirectoryBackupStore store;
  private String migrationId;
  private String sourceDb;
  private String destinationDb;

  @BeforeAll
  static void startPostgres() {
    pg = PrivateCluster.get();
  }

  @BeforeEach
  void setUp() throws Exception {
    migrationId = UUID.randomUUID().toString();
    sourceDb = "src_" + migrationId.substring(0, 8);
    destinationDb = "dst_" + migrationId.substring(0, 8);
    SampleData.create(pg, sourceDb);
    pg.createDatabase(destinationDb);
    store = new DirectoryBackupStore(backups);
    AddonDatabases databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return pg.url(sourceDb);
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return pg.url(destinationDb);
          }
        };
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new DataActivitiesImpl(
            databases,
            store,
            pg.bin,
            DataOptions.defaults().withHeartbeatInterval(Duration.ofMillis(300))));
    activities =
        env.newActivityStub(
            DataActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void copyBackBringsTheDestinationsWritesIntoTheSourceAndKeepsBothBackupsApart() throws Exception {
    migrateForward();
    // What the app did in the destination after the cutover.
    pg.execute(
        destinationDb,
        """
        insert into customers (email, name, balance) values ('late@example.com', 'Late', 12.5);
        update customers set name = 'Renamed' where id = 7;
        delete from orders where id = 11;
        select nextval('invoice_numbers') from generate_series(1, 5);
        """);
    AddonInput back = addon().back();

    BackupResult backup = activities.backupAddon(back);
    activities.restoreAddon(RestoreInput.whileBackingUp(back));
    VerifyResult verified = activities.verifyAddon(back);

    assertEquals(migrationId + "/pg-1.back", backup.backupId());
    assertEquals(
        20001L,
        store.manifest(backup.backupId()).orElseThrow().rowCounts().get("public.customers"),
        "the copy back backs up the destination");
    assertEquals(
        "Late", scalar(sourceDb, "select name from customers where email = 'late@example.com'"));
    assertEquals("Renamed", scalar(sourceDb, "select name from customers where id = 7"));
    assertEquals("0", scalar(sourceDb, "select count(*) from orders where id = 11"));
    assertEquals("1046", scalar(sourceDb, "select last_value from invoice_numbers"));
    assertEquals(85000L, verified.rows(), "one customer more, one order less");

    // The data step's backup is another one, kept until deleted on its own.
    assertTrue(store.exists(migrationId + "/pg-1"));
    activities.deleteBackup(back);
    assertFalse(store.exists(backup.backupId()));
    assertTrue(store.exists(migrationId + "/pg-1"));
    activities.deleteBackup(addon());
    assertFalse(store.exists(migrationId + "/pg-1"));
  }

  @Test
  void copyBackRunAgainRestoresTheSameBackupAndTheSourceStillMatches() throws Exception {
    migrateForward();
    pg.execute(destinationDb, "insert into audit.events (kind) values ('after cutover');");
    AddonInput back = addon().back();
    activities.backupAddon(back);
    activities.restoreAddon(RestoreInput.whileBackingUp(back));

    // A rollback run again after a later step failed: the same backup, restored once more.
    BackupResult again = activities.backupAddon(back);
    activities.restoreAddon(RestoreInput.whileBackingUp(back));

    assertEquals(migrationId + "/pg-1.back", again.backupId());
    assertEquals(85001L, activities.verifyAddon(back).rows());
    assertEquals(
        "1", scalar(sourceDb, "select count(*) from audit.events where kind = 'after cutover'"));
  }

  @Test
  void copyBackVerificationComparesTheSourceWithTheDestinationItCameFrom() throws Exception {
    migrateForward();
    AddonInput back = addon().back();
    activities.backupAddon(back);
    activities.restoreAddon(RestoreInput.whileBackingUp(back));
    pg.execute(destinationDb, "delete from audit.events where id = 1;");

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(back));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(cause.getOriginalMessage().contains("audit.events"), cause.getOriginalMessage());
  }

  private void migrateForward() {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertEquals(85000L, activities.verifyAddon(addon()).rows());
  }

  private AddonInput addon() {
    MoveInput move = new MoveInput(migrationId, "agora-fr1", "my-app", "osc-fr1", "my-app");
    return new AddonInput(move, new Addon("pg-1", Addon.POSTGRESQL, "starter", "15"));
  }

  private static String scalar(String database, String sql) throws Exception {
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
