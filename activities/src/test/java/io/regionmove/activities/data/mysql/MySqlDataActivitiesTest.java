package io.regionmove.activities.data.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveDigest;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataActivitiesImpl;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MySQL engine through the data activities, against a real MariaDB server. */
class MySqlDataActivitiesTest {

  private static PrivateMariaDb db;
  private static String sourceUrl;

  @TempDir Path backups;
  private String migrationId;
  private String destinationUrl;
  private DirectoryBackupStore store;
  private AddonDatabases databases;
  private TestActivityEnvironment env;
  private DataActivities activities;
  private final List<TestActivityEnvironment> others = new ArrayList<>();
  private final List<String> heartbeatStages = new ArrayList<>();

  @BeforeAll
  static void createSource() throws Exception {
    db = PrivateMariaDb.get();
    sourceUrl = db.createAddon("mysql_test_source");
    AwkwardData.create(db, sourceUrl);
  }

  @BeforeEach
  void setUp() throws Exception {
    migrationId = UUID.randomUUID().toString();
    destinationUrl = db.createAddon("dst_" + migrationId.substring(0, 8));
    store = new DirectoryBackupStore(backups);
    databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return sourceUrl;
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return destinationUrl;
          }
        };
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(activitiesOver(store));
    env.setActivityHeartbeatListener(
        DataProgress.class,
        p -> {
          synchronized (heartbeatStages) {
            heartbeatStages.add(p.stage());
          }
        });
    activities =
        env.newActivityStub(
            DataActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setHeartbeatTimeout(Duration.ofSeconds(10))
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
    others.forEach(TestActivityEnvironment::close);
  }

  private DataActivitiesImpl activitiesOver(BackupStore over) {
    DataOptions options = DataOptions.defaults().withHeartbeatInterval(Duration.ofMillis(300));
    return new DataActivitiesImpl(
        Engines.of(new MySqlEngine(databases, over, null, options)), options.heartbeatInterval());
  }

  private AddonInput addon() {
    MoveInput move = new MoveInput(migrationId, "agora-fr1", "my-app", "osc-fr1", "my-app");
    return new AddonInput(move, new Addon("my-1", MySqlEngine.PROVIDER, "starter-512", "10.11"));
  }

  private String backupId() {
    return migrationId + "/my-1";
  }

  @Test
  void theSizeForADryRunIsWhatTheServerCountsForTheTables() throws Exception {
    MySqlEngine engine = new MySqlEngine(databases, store, null, DataOptions.defaults());
    db.execute(sourceUrl, "ANALYZE TABLE customers, events, blobs");
    long size = engine.sizeBytes(addon().move().sourceApp(), addon().addon());
    long counted =
        Long.parseLong(
            db.scalar(
                sourceUrl,
                "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"));
    assertEquals(counted, size);
    assertTrue(size > 16 * 1024, "at least a page per table: " + size);
  }

  @Test
  void everyTypeObjectAndCounterArrivesIdentical() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    assertEquals(backupId(), backup.backupId());
    assertEquals(AwkwardData.ROWS.size(), backup.tables());
    BackupManifest manifest = store.manifest(backup.backupId()).orElseThrow();
    assertEquals(AwkwardData.ROWS, manifest.rowCounts());
    assertEquals("mariadb-dump", manifest.format());
    String archive =
        Files.readString(
            store.open(backup.backupId()), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(archive.contains("DEFINER=`mysql_test_source`"), "definers are rewritten");
    assertTrue(archive.contains("DEFINER=CURRENT_USER"));

    StepResult restored = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertTrue(
        restored.logs().get(restored.logs().size() - 1).contains("6 tables"),
        restored.logs().toString());

    VerifyResult verified = activities.verifyAddon(addon());
    assertEquals(AwkwardData.ROWS.size(), verified.tables());
    assertEquals(AwkwardData.TOTAL_ROWS, verified.rows());
    String summary = verified.logs().get(0);
    assertTrue(summary.contains("1 views, 1 triggers, 2 routines and 1 events equal"), summary);

    // What the verification proves, checked on its own as well.
    assertEquals(autoIncrements(sourceUrl), autoIncrements(destinationUrl));
    Map<String, Long> counters = autoIncrements(destinationUrl);
    assertTrue(counters.get("customers") > 1990, "ahead of max(id): " + counters);
    assertEquals(50000L, counters.get("events"));
    assertArrayEquals(blob(sourceUrl, 1), blob(destinationUrl, 1));
    assertEquals(256, blob(destinationUrl, 1).length);
    for (int i = 0; i < 256; i++) {
      assertEquals((byte) i, blob(destinationUrl, 1)[i]);
    }
    assertArrayEquals(blob(sourceUrl, 2), blob(destinationUrl, 2));
    String row =
        "SELECT CONCAT_WS('|', name, profile, balance, created_at, seen_at, score, ratio, flags,"
            + " tier, bits + 0, born, wakes, display, name_length) FROM customers WHERE id = 77";
    assertEquals(db.scalar(sourceUrl, row), db.scalar(destinationUrl, row));
    assertTrue(db.scalar(destinationUrl, row).startsWith("Zoë Ångström 🎉 77 中文"));
    assertEquals(
        "blobs_customer,events_customer",
        db.scalar(
            destinationUrl,
            "SELECT GROUP_CONCAT(CONSTRAINT_NAME ORDER BY CONSTRAINT_NAME)"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = DATABASE()"));
    assertEquals(
        db.scalar(sourceUrl, "SELECT balance_of(42)"),
        db.scalar(destinationUrl, "SELECT balance_of(42)"));
    assertEquals(
        db.scalar(sourceUrl, "SELECT COUNT(*) FROM rich_customers"),
        db.scalar(destinationUrl, "SELECT COUNT(*) FROM rich_customers"));
    // A sequence restarts after the values its source had cached, as after a server restart:
    // never a number given before.
    assertTrue(
        Long.parseLong(db.scalar(destinationUrl, "SELECT NEXTVAL(invoice_numbers)"))
            >= Long.parseLong(db.scalar(sourceUrl, "SELECT NEXTVAL(invoice_numbers)")));
    // The objects work in the destination, as its own user's.
    db.execute(
        destinationUrl,
        "INSERT INTO customers (name, email, balance, created_at) VALUES ('new', 'n@x', 1, NOW())");
    String newId = Long.toString(counters.get("customers"));
    assertEquals(newId, db.scalar(destinationUrl, "SELECT MAX(id) FROM customers"));
    assertEquals(
        "created",
        db.scalar(destinationUrl, "SELECT what FROM audit_log WHERE customer_id = " + newId));
    db.execute(destinationUrl, "CALL add_event(1, 'refund')");
    assertEquals("50000", db.scalar(destinationUrl, "SELECT MAX(id) FROM events"));
    assertNoSecretIn(backup.logs(), restored.logs(), verified.logs());
  }

  @Test
  void restoreWhileBackingUpFollowsTheDumpAsItIsWritten() throws Exception {
    // The backup is held just before it is published: the restore can only have read the
    // archive from the staging file, as it was being written.
    CountDownLatch publish = new CountDownLatch(1);
    DataActivities backupSide = stub(new HoldingStore(store, publish), 0);
    DataActivities restoreSide = stub(new HoldingStore(store, publish), 0);
    CompletableFuture<StepResult> restore =
        CompletableFuture.supplyAsync(
            () -> restoreSide.restoreAddon(RestoreInput.whileBackingUp(addon())));
    CompletableFuture<BackupResult> backup =
        CompletableFuture.supplyAsync(() -> backupSide.backupAddon(addon()));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!"1"
            .equals(
                db.scalar(
                    destinationUrl,
                    "SELECT COUNT(*) FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rich_customers'"))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    // The view comes last in the dump: the whole archive was restored from the staging file.
    assertEquals("1990", db.scalar(destinationUrl, "SELECT COUNT(*) FROM customers"));
    assertFalse(restore.isDone(), "the restore must wait for the backup to be published");
    assertFalse(store.exists(backupId()));
    publish.countDown();
    StepResult restored = restore.get(60, TimeUnit.SECONDS);
    String line = restored.logs().get(restored.logs().size() - 1);
    assertTrue(line.contains("while it was backed up"), line);
    assertEquals(AwkwardData.ROWS.size(), backup.get(60, TimeUnit.SECONDS).tables());
    VerifyResult verified = activities.verifyAddon(addon());
    assertEquals(AwkwardData.TOTAL_ROWS, verified.rows());
    assertNoSecretIn(restored.logs(), verified.logs());
  }

  @Test
  void verifyNamesAChangedRowADroppedTriggerAndAChangedCounter() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    db.execute(
        destinationUrl,
        "UPDATE events SET kind = 'tampered' WHERE id = 4242",
        "DROP TRIGGER customers_audit",
        "ALTER TABLE audit_log AUTO_INCREMENT = 9000",
        "DROP FUNCTION balance_of",
        "CREATE FUNCTION balance_of(c INT) RETURNS DECIMAL(30,10) READS SQL DATA RETURN 0",
        "CREATE OR REPLACE VIEW rich_customers AS SELECT id, name, balance FROM customers");

    ApplicationFailure cause = verificationFailure();
    String message = cause.getOriginalMessage();
    assertEquals(
        "The data of addon my-1 differs after the restore in tables: events;"
            + " and in AUTO_INCREMENT counters: audit_log; and in views: rich_customers;"
            + " and in triggers: customers_audit; and in routines: function balance_of",
        message);
  }

  @Test
  void verifyNamesATableWhoseDefinitionDiffers() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    db.execute(
        destinationUrl,
        "ALTER TABLE blobs DROP FOREIGN KEY blobs_customer",
        "DROP VIEW rich_customers");
    String message = verificationFailure().getOriginalMessage();
    assertTrue(message.contains("table definitions: blobs"), message);
    assertTrue(message.contains("views: rich_customers"), message);
    assertFalse(message.contains("tables: "), message);
  }

  @Test
  void verifyCatchesAWriteToTheSourceAfterTheBackup() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    db.execute(sourceUrl, "UPDATE no_pk SET b = 'late' WHERE a = 2");
    try {
      assertTrue(
          verificationFailure().getOriginalMessage().endsWith("in tables: no_pk"),
          "a late write to the source is caught");
    } finally {
      db.execute(sourceUrl, "UPDATE no_pk SET b = NULL WHERE a = 2");
    }
  }

  @Test
  void aFloatTheDumpRoundsIsCaughtNotSilentlyLost() throws Exception {
    String floatsUrl = db.createAddon("floats_" + migrationId.substring(0, 8));
    db.execute(
        floatsUrl,
        "CREATE TABLE readings (id INT PRIMARY KEY, value FLOAT)",
        "INSERT INTO readings VALUES (1, 0.5), (2, 123456.789)");
    String destination = destinationUrl;
    databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return floatsUrl;
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return destination;
          }
        };
    DataActivities floats = stub(store, 0);
    BackupResult backup = floats.backupAddon(addon());
    floats.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> floats.verifyAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(
        cause.getOriginalMessage().endsWith("in tables: readings"), cause.getOriginalMessage());
  }

  @Test
  void cancelDuringBackupKillsTheDumpAndLeavesNoBackup() throws Exception {
    // A table lock on the source makes mariadb-dump wait for as long as the test wants.
    try (Connection blocker = db.connect(sourceUrl);
        Statement s = blocker.createStatement()) {
      s.execute("LOCK TABLES customers WRITE");
      CompletableFuture<BackupResult> call =
          CompletableFuture.supplyAsync(() -> activities.backupAddon(addon()));
      List<ProcessHandle> dumps = waitForTool("mariadb-dump");
      assertFalse(dumps.isEmpty(), "mariadb-dump never started");
      assertTrue(hasStagingOnly(), "the backup in progress only exists under a staging name");

      env.requestCancelActivity();
      Throwable thrown = assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
      assertTrue(isCancellation(thrown), "not a cancellation: " + thrown);
      synchronized (heartbeatStages) {
        assertTrue(heartbeatStages.contains("dumping"), heartbeatStages.toString());
      }
      for (ProcessHandle dump : dumps) {
        assertFalse(dump.isAlive(), "mariadb-dump " + dump.pid() + " still runs");
      }
      s.execute("UNLOCK TABLES");
    }
    assertFalse(store.exists(backupId()));
    try (Stream<Path> left = Files.walk(backups)) {
      assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
    }
  }

  @Test
  void cancelDuringRestoreKillsTheClientAndTheNextRestoreStartsClean() throws Exception {
    // A published backup whose restore takes as long as the test wants.
    publish("DO SLEEP(600);\n");
    CompletableFuture<StepResult> call =
        CompletableFuture.supplyAsync(
            () -> activities.restoreAddon(new RestoreInput(addon(), backupId())));
    List<ProcessHandle> clients = waitForTool("mariadb");
    assertFalse(clients.isEmpty(), "mariadb never started");
    env.requestCancelActivity();
    Throwable thrown = assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
    assertTrue(isCancellation(thrown), "not a cancellation: " + thrown);
    for (ProcessHandle client : clients) {
      assertFalse(client.isAlive(), "mariadb " + client.pid() + " still runs");
    }

    // The orphaned session still sleeps on the server; the retry ends it and restores.
    store.delete(backupId());
    DataActivities retry = stub(store, 0);
    BackupResult backup = retry.backupAddon(addon());
    retry.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertEquals(AwkwardData.TOTAL_ROWS, retry.verifyAddon(addon()).rows());
    assertEquals(
        "0",
        db.scalar(
            destinationUrl,
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP%'"));
  }

  @Test
  void restoreFollowingABackupAttemptThatIsDiscardedFailsToStartOver() throws Exception {
    // Half of a real archive, as a crashed attempt leaves it, then the attempt is discarded.
    activities.backupAddon(addon());
    byte[] archive = Files.readAllBytes(store.open(backupId()));
    store.delete(backupId());
    Path staging = store.stage(backupId());
    Files.write(
        staging.resolve(MySqlEngine.ARCHIVE), java.util.Arrays.copyOf(archive, archive.length / 2));

    DataActivities once = stub(store, 1);
    CompletableFuture<StepResult> restore =
        CompletableFuture.supplyAsync(
            () -> once.restoreAddon(RestoreInput.whileBackingUp(addon())));
    Thread.sleep(1500);
    assertFalse(restore.isDone(), "the restore must wait for the rest of the archive");
    store.discard(staging);

    Throwable thrown = assertThrows(Exception.class, () -> restore.get(30, TimeUnit.SECONDS));
    ApplicationFailure cause = null;
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure failure) {
        cause = failure;
      }
    }
    assertNotNull(cause, thrown.toString());
    assertFalse(cause.isNonRetryable(), "a retry must restore again from the next attempt");
    assertTrue(
        cause.getOriginalMessage().contains("discarded before it was complete; restoring again"),
        cause.getOriginalMessage());
    assertTrue(waitForTool("mariadb", Duration.ZERO).isEmpty(), "mariadb still runs");
  }

  @Test
  void eachActivityRunTwiceGivesTheSameResult() throws Exception {
    BackupResult first = activities.backupAddon(addon());
    BackupManifest manifest = store.manifest(first.backupId()).orElseThrow();
    BackupResult second = activities.backupAddon(addon());
    assertEquals(first.sizeBytes(), second.sizeBytes());
    assertEquals(manifest, store.manifest(second.backupId()).orElseThrow());
    assertTrue(second.logs().get(0).contains("already complete"), second.logs().toString());

    activities.restoreAddon(new RestoreInput(addon(), first.backupId()));
    StepResult again = activities.restoreAddon(new RestoreInput(addon(), first.backupId()));
    assertTrue(again.logs().get(0).contains("Cleaned 6 tables"), again.logs().toString());

    VerifyResult once = activities.verifyAddon(addon());
    VerifyResult twice = activities.verifyAddon(addon());
    assertEquals(once.tables(), twice.tables());
    assertEquals(once.rows(), twice.rows());

    assertTrue(activities.deleteBackup(addon()).logs().get(0).startsWith("Deleted"));
    assertTrue(activities.deleteBackup(addon()).logs().get(0).startsWith("No backup"));
    assertFalse(store.exists(backupId()));
  }

  @Test
  void restoreOverWhatACrashedAttemptLeftStartsClean() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    // Objects half made by an earlier attempt, and its client's session still in a transaction.
    db.execute(
        destinationUrl,
        "CREATE TABLE customers (id INT PRIMARY KEY, stray TEXT)",
        "INSERT INTO customers VALUES (1, 'partial')",
        "CREATE TABLE leftover (id INT)",
        "CREATE VIEW stray_view AS SELECT id FROM leftover",
        "CREATE PROCEDURE stray_procedure() SELECT 1");
    try (Connection orphan = db.connect(destinationUrl);
        Statement s = orphan.createStatement()) {
      s.execute("LOCK TABLES leftover WRITE");
      StepResult restored = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
      assertTrue(restored.logs().get(0).contains("Cleaned 2 tables"), restored.logs().toString());
    }
    assertEquals(AwkwardData.ROWS.size(), activities.verifyAddon(addon()).tables());
    assertEquals(
        "0",
        db.scalar(
            destinationUrl,
            "SELECT COUNT(*) FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = 'stray_procedure'"));
  }

  @Test
  void restoreRefusesADamagedBackup() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    Path archive = store.open(backup.backupId());
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(archive, bytes);

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> activities.restoreAddon(new RestoreInput(addon(), backup.backupId())));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.BACKUP_INVALID.name(), cause.getType());
    assertEquals(
        "0",
        db.scalar(
            destinationUrl,
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"));
  }

  /** Publishes a handmade archive as the complete backup of this migration's addon. */
  private void publish(String sql) throws IOException {
    Path staging = store.stage(backupId());
    Path archive = staging.resolve(MySqlEngine.ARCHIVE);
    Files.writeString(archive, sql);
    store.put(
        backupId(),
        archive,
        new BackupManifest(
            backupId(),
            MySqlEngine.FORMAT,
            MySqlEngine.ARCHIVE,
            Files.size(archive),
            ArchiveDigest.sha256(archive),
            List.of(),
            Map.of(),
            "10.11",
            Instant.now()));
  }

  private ApplicationFailure verificationFailure() {
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    return cause;
  }

  /** Another worker's activities over {@code over}; {@code attempts} 0 for the default retries. */
  private DataActivities stub(BackupStore over, int attempts) {
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    others.add(other);
    other.registerActivitiesImplementations(activitiesOver(over));
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(5));
    if (attempts > 0) {
      options.setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(attempts).build());
    }
    return other.newActivityStub(DataActivities.class, options.build());
  }

  /** A store whose {@code put} waits for the test's go-ahead. */
  private record HoldingStore(BackupStore store, CountDownLatch publish) implements BackupStore {
    @Override
    public Path stage(String backupId) throws IOException {
      return store.stage(backupId);
    }

    @Override
    public void put(String backupId, Path archive, BackupManifest manifest) throws IOException {
      try {
        publish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
      store.put(backupId, archive, manifest);
    }

    @Override
    public void discard(Path staging) throws IOException {
      store.discard(staging);
    }

    @Override
    public Optional<BackupManifest> manifest(String backupId) throws IOException {
      return store.manifest(backupId);
    }

    @Override
    public Optional<Path> archiveBeingWritten(String backupId, String entry) throws IOException {
      return store.archiveBeingWritten(backupId, entry);
    }

    @Override
    public Path open(String backupId) throws IOException {
      return store.open(backupId);
    }

    @Override
    public boolean delete(String backupId) throws IOException {
      return store.delete(backupId);
    }
  }

  private static boolean isCancellation(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure
          || t instanceof io.temporal.client.ActivityCanceledException) {
        return true;
      }
    }
    return false;
  }

  private static List<ProcessHandle> waitForTool(String name) throws InterruptedException {
    return waitForTool(name, Duration.ofSeconds(20));
  }

  /** This JVM's child processes running {@code name}, waiting up to {@code patience} for one. */
  private static List<ProcessHandle> waitForTool(String name, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      List<ProcessHandle> found =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
              .toList();
      if (!found.isEmpty()) {
        Thread.sleep(500); // let it reach the lock or the sleep
        return found;
      }
      if (System.nanoTime() >= deadline) {
        return List.of();
      }
      Thread.sleep(50);
    }
  }

  private boolean hasStagingOnly() throws Exception {
    Path migrationDir = backups.resolve(migrationId);
    try (Stream<Path> children = Files.list(migrationDir)) {
      List<String> names = children.map(p -> p.getFileName().toString()).toList();
      return !names.isEmpty() && names.stream().allMatch(n -> n.startsWith(".my-1.staging-"));
    }
  }

  private static Map<String, Long> autoIncrements(String url) throws Exception {
    Map<String, Long> counters = new TreeMap<>();
    try (Connection c = db.connect(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL")) {
      while (rs.next()) {
        counters.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counters;
  }

  private static byte[] blob(String url, long id) throws Exception {
    try (Connection c = db.connect(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT data FROM blobs WHERE id = " + id)) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  @SafeVarargs
  private static void assertNoSecretIn(List<String>... logs) {
    for (List<String> lines : logs) {
      for (String line : lines) {
        assertFalse(line.contains(PrivateMariaDb.PASSWORD) || line.contains("mysql://"), line);
      }
    }
  }
}
