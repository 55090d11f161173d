package io.regionmove.activities.data;

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
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

class DataActivitiesImplTest {

  private static final String SOURCE_DB = "data_test_source";
  private static PrivateCluster pg;

  @TempDir Path backups;
  private TestActivityEnvironment env;
  private DataActivities activities;
  private DirectoryBackupStore store;
  private final List<String> heartbeatStages = new ArrayList<>();
  private String migrationId;
  private String destinationDb;
  private AddonDatabases databases;
  private final List<TestActivityEnvironment> others = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PrivateCluster.get();
    SampleData.create(pg, SOURCE_DB);
  }

  @BeforeEach
  void setUp() throws Exception {
    migrationId = UUID.randomUUID().toString();
    destinationDb = "dst_" + migrationId.substring(0, 8);
    pg.createDatabase(destinationDb);
    store = new DirectoryBackupStore(backups);
    databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return pg.url(SOURCE_DB);
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return pg.url(destinationDb);
          }
        };
    DataOptions options =
        DataOptions.defaults().withJobs(2).withHeartbeatInterval(Duration.ofMillis(300));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new DataActivitiesImpl(databases, store, pg.bin, options));
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
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
    others.forEach(TestActivityEnvironment::close);
  }

  private AddonInput addon() {
    MoveInput move = new MoveInput(migrationId, "agora-fr1", "my-app", "osc-fr1", "my-app");
    return new AddonInput(move, new Addon("pg-1", Addon.POSTGRESQL, "starter", "15"));
  }

  @Test
  void backupRestoreVerifyMovesEveryTableSequenceAndType() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    assertEquals(migrationId + "/pg-1", backup.backupId());
    assertEquals(3, backup.tables());
    assertTrue(backup.sizeBytes() > 0);
    BackupManifest manifest = store.manifest(backup.backupId()).orElseThrow();
    assertEquals(
        Map.of("public.customers", 20000L, "public.orders", 60000L, "audit.events", 5000L),
        manifest.rowCounts());
    assertEquals(64, manifest.sha256().length());

    StepResult restored = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertTrue(restored.logs().get(0).contains("3 tables"), restored.logs().toString());

    VerifyResult verified = activities.verifyAddon(addon());
    assertEquals(3, verified.tables());
    assertEquals(85000L, verified.rows());
    assertEquals(sequences(SOURCE_DB), sequences(destinationDb));
    assertEquals(1041L, sequences(destinationDb).get("public.invoice_numbers"));
    assertEquals(
        scalar(SOURCE_DB, "select count(*) from pg_indexes where schemaname in ('public','audit')"),
        scalar(
            destinationDb,
            "select count(*) from pg_indexes where schemaname in ('public','audit')"));
    assertEquals(
        "1",
        scalar(destinationDb, "select count(*) from pg_views where viewname = 'big_customers'"));
    assertNoSecretIn(backup.logs(), restored.logs(), verified.logs());
  }

  @Test
  void restoreWhileBackingUpFollowsTheArchiveAsPgDumpWritesIt() throws Exception {
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

    StepResult restored = restore.get(60, TimeUnit.SECONDS);
    assertFalse(backup.isDone(), "the backup was published before the restore ended");
    assertFalse(store.exists(migrationId + "/pg-1"));
    String line = restored.logs().get(restored.logs().size() - 1);
    assertTrue(line.contains("while it was backed up") && line.contains("3 tables"), line);

    publish.countDown();
    BackupResult made = backup.get(60, TimeUnit.SECONDS);
    assertEquals(3, made.tables());
    VerifyResult verified = activities.verifyAddon(addon());
    assertEquals(85000L, verified.rows());
    assertEquals(sequences(SOURCE_DB), sequences(destinationDb));
    assertNoSecretIn(restored.logs(), verified.logs());
  }

  @Test
  void restoreWhileBackingUpWaitsForTheBackupAndTakesACompleteOne() throws Exception {
    activities.backupAddon(addon());
    StepResult restored = activities.restoreAddon(RestoreInput.whileBackingUp(addon()));
    assertTrue(
        restored.logs().get(0).startsWith("Restored addon pg-1: 3 tables"),
        restored.logs().toString());
    assertEquals(85000L, activities.verifyAddon(addon()).rows());
  }

  @Test
  void restoreWhileBackingUpGivesUpWhenNoBackupAppears() {
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    others.add(other);
    other.registerActivitiesImplementations(
        new DataActivitiesImpl(
            databases,
            store,
            pg.bin,
            DataOptions.defaults()
                .withHeartbeatInterval(Duration.ofMillis(300))
                .withBackupStartWait(Duration.ofSeconds(1))));
    DataActivities impatient =
        other.newActivityStub(
            DataActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(5))
                .build());

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> impatient.restoreAddon(RestoreInput.whileBackingUp(addon())));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.BACKUP_INVALID.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("REGIONMOVE_BACKUP_DIR"), cause.getOriginalMessage());
  }

  @Test
  void restoreFollowingABackupAttemptThatIsDiscardedFailsToStartOver() throws Exception {
    // Half of a real archive, as a crashed attempt leaves it, then the attempt is discarded.
    activities.backupAddon(addon());
    byte[] archive = Files.readAllBytes(store.open(migrationId + "/pg-1"));
    store.delete(migrationId + "/pg-1");
    Path staging = store.stage(migrationId + "/pg-1");
    Files.write(
        staging.resolve(DumpFormat.CUSTOM.entryName()),
        java.util.Arrays.copyOf(archive, archive.length / 2));

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
    assertTrue(
        ProcessHandle.current()
            .descendants()
            .noneMatch(p -> p.info().command().map(c -> c.endsWith("pg_restore")).orElse(false)),
        "pg_restore still runs");
  }

  @Test
  void verifyFailsNamingTheTableChangedAfterRestore() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    pg.execute(destinationDb, "update orders set note = 'tampered' where id = 4242");

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("tables: public.orders"), cause.getOriginalMessage());
    assertFalse(cause.getOriginalMessage().contains("customers"), cause.getOriginalMessage());
  }

  @Test
  void verifyCatchesAWriteToTheSourceAfterTheBackup() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    // Something other than the stopped app writes to the source after the dump.
    pg.execute(SOURCE_DB, "update customers set name = name || ' (late)' where id = 7");
    try {
      ActivityFailure failure =
          assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
      ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
      assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
      assertTrue(
          cause.getOriginalMessage().contains("tables: public.customers"),
          cause.getOriginalMessage());
    } finally {
      pg.execute(
          SOURCE_DB, "update customers set name = replace(name, ' (late)', '') where id = 7");
    }
  }

  @Test
  void verifyNamesSequencesThatDiffer() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    pg.execute(destinationDb, "select nextval('invoice_numbers')");

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("public.invoice_numbers"), cause.getOriginalMessage());
  }

  @Test
  void cancelDuringBackupKillsPgDumpAndLeavesNoBackup() throws Exception {
    // A lock held on a source table makes pg_dump wait for as long as the test wants.
    try (Connection blocker = pg.connect(SOURCE_DB);
        Statement s = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      s.execute("lock table orders in access exclusive mode");

      CompletableFuture<BackupResult> call =
          CompletableFuture.supplyAsync(() -> activities.backupAddon(addon()));
      List<ProcessHandle> dumps = waitForPgDump();
      assertFalse(dumps.isEmpty(), "pg_dump never started");
      assertTrue(hasStagingOnly(), "the backup in progress must only exist under a staging name");

      env.requestCancelActivity();
      Throwable thrown = assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
      assertTrue(isCancellation(thrown), "not a cancellation: " + thrown);
      synchronized (heartbeatStages) {
        assertTrue(heartbeatStages.contains("dumping"), heartbeatStages.toString());
      }
      for (ProcessHandle dump : dumps) {
        assertFalse(dump.isAlive(), "pg_dump " + dump.pid() + " still runs");
      }
      blocker.rollback();
    }
    assertFalse(store.exists(migrationId + "/pg-1"));
    try (Stream<Path> left = Files.walk(backups)) {
      assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
    }
  }

  @Test
  void backupTwiceReturnsTheSameBackup() throws Exception {
    BackupResult first = activities.backupAddon(addon());
    BackupManifest manifest = store.manifest(first.backupId()).orElseThrow();
    BackupResult second = activities.backupAddon(addon());
    assertEquals(first.backupId(), second.backupId());
    assertEquals(first.sizeBytes(), second.sizeBytes());
    assertEquals(manifest, store.manifest(second.backupId()).orElseThrow());
    assertTrue(second.logs().get(0).contains("already complete"), second.logs().toString());
  }

  @Test
  void restoreTwiceLeavesIdenticalData() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    StepResult again = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertTrue(again.logs().get(0).contains("Cleaned 3 tables"), again.logs().toString());
    assertEquals(85000L, activities.verifyAddon(addon()).rows());
  }

  @Test
  void restoreAfterAnInterruptedRestoreStartsClean() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    // What a crash half-way leaves: some objects created, some rows copied, no constraints.
    pg.execute(
        destinationDb,
        """
        create table customers (id integer, email text, name text, profile jsonb, balance numeric, created_at timestamptz);
        insert into customers values (1, 'partial@example.com', 'Partial', '{}', 1, now());
        create sequence invoice_numbers;
        """);
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertEquals(3, activities.verifyAddon(addon()).tables());
  }

  @Test
  void restoreRefusesADamagedBackup() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    Path archive = store.open(backup.backupId());
    Path file = archive;
    if (Files.isDirectory(archive)) {
      try (Stream<Path> files = Files.walk(archive)) {
        file =
            files
                .filter(Files::isRegularFile)
                .filter(f -> f.toString().endsWith(".gz"))
                .findFirst()
                .orElseThrow();
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> activities.restoreAddon(new RestoreInput(addon(), backup.backupId())));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.BACKUP_INVALID.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    assertEquals(
        "0", scalar(destinationDb, "select count(*) from pg_tables where schemaname = 'public'"));
  }

  @Test
  void restoreWithoutABackupIsInvalid() {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> activities.restoreAddon(new RestoreInput(addon(), migrationId + "/pg-1")));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.BACKUP_INVALID.name(), cause.getType());
  }

  @Test
  void deleteBackupToleratesNoBackupAndRemovesOne() throws Exception {
    StepResult none = activities.deleteBackup(addon());
    assertTrue(none.logs().get(0).startsWith("No backup"), none.logs().toString());

    activities.backupAddon(addon());
    StepResult deleted = activities.deleteBackup(addon());
    assertTrue(deleted.logs().get(0).startsWith("Deleted"), deleted.logs().toString());
    assertFalse(store.exists(migrationId + "/pg-1"));
    try (Stream<Path> left = Files.walk(backups)) {
      assertEquals(List.of(backups), left.toList());
    }
  }

  @Test
  void aBackupOfAnAddonWithoutDataIsRefused() {
    AddonInput mongodb = new AddonInput(addon().move(), new Addon("mg-1", "mongodb", "small", "7"));
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.backupAddon(mongodb));
    assertEquals(
        FailureType.INVALID_REQUEST.name(),
        assertInstanceOf(ApplicationFailure.class, failure.getCause()).getType());
  }

  /** Another worker's activities over {@code over}; {@code attempts} 0 for the default retries. */
  private DataActivities stub(BackupStore over, int attempts) {
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    others.add(other);
    other.registerActivitiesImplementations(
        new DataActivitiesImpl(
            databases,
            over,
            pg.bin,
            DataOptions.defaults().withJobs(2).withHeartbeatInterval(Duration.ofMillis(300))));
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(5));
    if (attempts > 0) {
      options.setRetryOptions(
          io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(attempts).build());
    }
    return other.newActivityStub(DataActivities.class, options.build());
  }

  /** A store whose {@code put} waits for the test's go-ahead. */
  private record HoldingStore(BackupStore store, CountDownLatch publish) implements BackupStore {
    @Override
    public Path stage(String backupId) throws java.io.IOException {
      return store.stage(backupId);
    }

    @Override
    public void put(String backupId, Path archive, BackupManifest manifest)
        throws java.io.IOException {
      try {
        publish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
      store.put(backupId, archive, manifest);
    }

    @Override
    public void discard(Path staging) throws java.io.IOException {
      store.discard(staging);
    }

    @Override
    public java.util.Optional<BackupManifest> manifest(String backupId) throws java.io.IOException {
      return store.manifest(backupId);
    }

    @Override
    public java.util.Optional<Path> archiveBeingWritten(String backupId, DumpFormat format)
        throws java.io.IOException {
      return store.archiveBeingWritten(backupId, format);
    }

    @Override
    public Path open(String backupId) throws java.io.IOException {
      return store.open(backupId);
    }

    @Override
    public boolean delete(String backupId) throws java.io.IOException {
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

  private static List<ProcessHandle> waitForPgDump() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> dumps =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().map(c -> c.endsWith("pg_dump")).orElse(false))
              .toList();
      if (!dumps.isEmpty()) {
        Thread.sleep(500); // let it reach the lock
        return dumps;
      }
      Thread.sleep(50);
    }
    return List.of();
  }

  private boolean hasStagingOnly() throws Exception {
    Path migrationDir = backups.resolve(migrationId);
    try (Stream<Path> children = Files.list(migrationDir)) {
      List<String> names = children.map(p -> p.getFileName().toString()).toList();
      return !names.isEmpty() && names.stream().allMatch(n -> n.startsWith(".pg-1.staging-"));
    }
  }

  private static Map<String, Long> sequences(String database) throws Exception {
    Map<String, Long> values = new TreeMap<>();
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select schemaname || '.' || sequencename, last_value from pg_sequences")) {
      while (rs.next()) {
        long v = rs.getLong(2);
        values.put(rs.getString(1), rs.wasNull() ? null : v);
      }
    }
    return values;
  }

  private static String scalar(String database, String sql) throws Exception {
    try (Connection c = pg.connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @SafeVarargs
  private static void assertNoSecretIn(List<String>... logs) {
    for (List<String> lines : logs) {
      for (String line : lines) {
        assertFalse(line.contains(PrivateCluster.PASSWORD) || line.contains("postgresql://"), line);
      }
    }
    assertNotNull(logs);
  }
}
