package io.regionmove.activities.data.redis;

import static io.regionmove.activities.data.redis.RedisTestData.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataActivitiesImpl;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.DumpFormat;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisAddon;
import io.regionmove.sandbox.redis.RedisAddonProvisioner;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The redis engine through the data activities, against a private redis-server: the source and the
 * destination are two addons of it (a database and an ACL user each), as the sandbox makes them.
 */
class RedisEngineTest {

  private static RedisAddonProvisioner provisioner;
  private static RedisAddon source;
  private static int sourceKeys;

  @TempDir Path backups;
  private DirectoryBackupStore store;
  private RedisAddon destination;
  private String migrationId;
  private TestActivityEnvironment env;
  private DataActivities activities;
  private final List<String> stages = new ArrayList<>();
  private final List<TestActivityEnvironment> others = new ArrayList<>();
  private volatile Runnable onFirstStage;
  private volatile String watchedStage;

  @BeforeAll
  static void fillSource() {
    provisioner = new RedisAddonProvisioner(LocalRedis.forTests());
    source = provisioner.provision("engine-source", password());
    try (Jedis jedis = connect(source)) {
      jedis.flushDB();
      sourceKeys = RedisTestData.fill(jedis);
    }
  }

  @BeforeEach
  void setUp() {
    migrationId = UUID.randomUUID().toString();
    destination = provisioner.provision("dst-" + migrationId.substring(0, 8), password());
    store = new DirectoryBackupStore(backups);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(activitiesOver(store, RedisTuning.defaults()));
    env.setActivityHeartbeatListener(
        DataProgress.class,
        p -> {
          synchronized (stages) {
            stages.add(p.stage());
          }
          Runnable action = onFirstStage;
          if (action != null && p.stage().equals(watchedStage)) {
            onFirstStage = null;
            action.run();
          }
        });
    activities = stub(env, 0);
  }

  @AfterEach
  void tearDown() {
    env.close();
    others.forEach(TestActivityEnvironment::close);
    provisioner.deprovision(destination.user());
  }

  @Test
  void everyKeyArrivesWithItsTypeValueAndTtl() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    assertEquals(migrationId + "/redis-1", backup.backupId());
    BackupManifest manifest = store.manifest(backup.backupId()).orElseThrow();
    assertEquals(sourceKeys, manifest.rows());
    assertEquals(DumpFormat.CUSTOM, manifest.format());
    assertTrue(manifest.serverVersion().startsWith("7."), manifest.serverVersion());

    StepResult restored = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    assertTrue(
        restored.logs().get(0).contains(String.format("%,d keys", sourceKeys)),
        restored.logs().toString());
    VerifyResult verified = activities.verifyAddon(addon());
    assertEquals(sourceKeys, verified.rows());

    try (Jedis a = connect(source);
        Jedis b = connect(destination)) {
      assertEquals(sourceKeys, b.dbSize());
      for (byte[] key : keys(a)) {
        assertEquals(a.type(key), b.type(key), RedisJobs.show(key));
        KeyFingerprint expected = KeyFingerprint.read(a, key);
        assertTrue(expected.sameAs(KeyFingerprint.read(b, key)), RedisJobs.show(key));
        long ttl = a.pttl(key);
        long copied = b.pttl(key);
        assertEquals(ttl < 0, copied < 0, RedisJobs.show(key));
        assertTrue(Math.abs(ttl - copied) <= 2_000, RedisJobs.show(key) + " " + ttl + " " + copied);
      }
      assertArrayEquals(RedisTestData.ALL_BYTES_REVERSED, b.get(RedisTestData.ALL_BYTES));
      assertArrayEquals(new byte[0], b.get(b("string:empty")));
      assertEquals(RedisTestData.BIG, b.hlen(b("hash:big")));
      assertEquals(RedisTestData.BIG, b.llen(b("list:big")));
      assertEquals(RedisTestData.BIG, b.zcard(b("zset:big")));
      assertEquals(RedisTestData.BIG, b.scard(b("set:big")));
      assertEquals(-1, b.pttl(b("list:big")));
      assertTrue(b.pttl(b("hash:big")) > 49_000_000L);
      // Consumer groups with their last delivered ids and pending entries.
      Object groups = a.sendCommand(Protocol.Command.XINFO, b("GROUPS"), b("stream:events"));
      assertTrue(text(groups).contains("billing"), text(groups));
      assertEquals(
          text(groups),
          text(b.sendCommand(Protocol.Command.XINFO, b("GROUPS"), b("stream:events"))));
      assertEquals(
          3L,
          ((List<?>) b.sendCommand(Protocol.Command.XPENDING, b("stream:events"), b("billing")))
              .get(0));
    }
    assertNoSecretIn(backup.logs(), restored.logs(), verified.logs());
  }

  @Test
  void restoreWhileBackingUpFollowsTheArchiveAsItIsWritten() throws Exception {
    // The backup is held just before it is published: the restore can only have read the
    // archive from the staging file, as it was being written.
    CountDownLatch publish = new CountDownLatch(1);
    DataActivities backupSide = other(new HoldingStore(store, publish));
    DataActivities restoreSide = other(new HoldingStore(store, publish));
    CompletableFuture<StepResult> restore =
        CompletableFuture.supplyAsync(
            () -> restoreSide.restoreAddon(RestoreInput.whileBackingUp(addon())));
    CompletableFuture<BackupResult> backup =
        CompletableFuture.supplyAsync(() -> backupSide.backupAddon(addon()));

    // All the keys are written before the backup is published; the restore waits for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (dbSize(destination) < sourceKeys && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(sourceKeys, dbSize(destination));
    assertFalse(restore.isDone(), "the restore ended before the backup it followed was published");
    assertFalse(store.exists(migrationId + "/redis-1"));

    publish.countDown();
    StepResult restored = restore.get(60, TimeUnit.SECONDS);
    String line = restored.logs().get(restored.logs().size() - 1);
    assertTrue(line.contains("while it was backed up"), line);
    assertEquals(sourceKeys, backup.get(60, TimeUnit.SECONDS).tables() * sourceKeys);
    assertEquals(sourceKeys, activities.verifyAddon(addon()).rows());
  }

  @Test
  void restoreFollowingABackupAttemptThatIsDiscardedFailsToStartOver() throws Exception {
    activities.backupAddon(addon());
    byte[] archive = Files.readAllBytes(store.open(migrationId + "/redis-1"));
    store.delete(migrationId + "/redis-1");
    Path staging = store.stage(migrationId + "/redis-1");
    Files.write(
        staging.resolve(DumpFormat.CUSTOM.entryName()),
        java.util.Arrays.copyOf(archive, archive.length / 2));

    DataActivities once = other(store, 1);
    CompletableFuture<StepResult> restore =
        CompletableFuture.supplyAsync(
            () -> once.restoreAddon(RestoreInput.whileBackingUp(addon())));
    Thread.sleep(1500);
    assertFalse(restore.isDone(), "the restore must wait for the rest of the archive");
    store.discard(staging);

    Throwable thrown = assertThrows(Exception.class, () -> restore.get(30, TimeUnit.SECONDS));
    ApplicationFailure cause = applicationFailure(thrown);
    assertFalse(cause.isNonRetryable(), "a retry must restore again from the next attempt");
    assertTrue(
        cause.getOriginalMessage().contains("discarded before it was complete; restoring again"),
        cause.getOriginalMessage());
  }

  @Test
  void verifyNamesEveryKeyThatDiffers() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    try (Jedis b = connect(destination)) {
      b.set(b("string:plain"), b("tampered"));
      b.persist(b("string:ttl"));
      b.del(b("list:small"));
      b.del(b("set:ints"));
      b.hset(b("set:ints"), b("now"), b("a hash"));
      b.hset(b("hash:big"), b("field-77"), b("changed"));
      b.set(b("only:here"), b("extra"));
    }
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType());
    String message = cause.getOriginalMessage();
    for (String expected :
        List.of(
            "string:plain (value differs)",
            " s on the source, none in the destination)",
            "string:ttl (TTL 35",
            "list:small (missing in the destination)",
            "set:ints (set on the source, hash in the destination)",
            "hash:big (value differs)",
            "only:here (not on the source)")) {
      assertTrue(message.contains(expected), expected + " not in: " + message);
    }
    assertFalse(message.contains("zset:small"), message);
  }

  @Test
  void verifyNamesBinaryKeysEscaped() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
    try (Jedis b = connect(destination)) {
      b.set(RedisTestData.ALL_BYTES, b("tampered"));
    }
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.verifyAddon(addon()));
    String message = failure.getCause().getMessage();
    assertTrue(message.contains("\\x00\\x01\\x02"), message);
  }

  @Test
  void aKeyThatExpiresBeforeTheRestoreIsNotCreated() throws Exception {
    try (Jedis a = connect(source)) {
      a.psetex(b("short:lived"), 1_000, b("soon gone"));
    }
    try {
      BackupResult backup = activities.backupAddon(addon());
      Thread.sleep(1_500);
      activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
      try (Jedis b = connect(destination)) {
        assertNull(b.get(b("short:lived")));
      }
      assertEquals(sourceKeys, activities.verifyAddon(addon()).rows());
    } finally {
      try (Jedis a = connect(source)) {
        a.del(b("short:lived"));
      }
    }
  }

  @Test
  void cancelDuringBackupStopsAtOnceAndLeavesNoBackup() throws Exception {
    // The server stops answering as soon as the backup starts dumping: only closing the
    // connection can stop the backup before the pause ends.
    pauseServerAtFirst("dumping");
    CompletableFuture<BackupResult> call =
        CompletableFuture.supplyAsync(() -> activities.backupAddon(addon()));
    awaitStage("dumping");
    Thread.sleep(500);
    long cancelled = System.nanoTime();
    env.requestCancelActivity();
    Throwable thrown = assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
    assertTrue(isCancellation(thrown), "not a cancellation: " + thrown);
    assertTrue(
        System.nanoTime() - cancelled < TimeUnit.SECONDS.toNanos(4),
        "the backup went on after the cancellation");
    assertFalse(store.exists(migrationId + "/redis-1"));
    try (Stream<Path> left = Files.walk(backups)) {
      assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
    }
    awaitUnpaused();
  }

  @Test
  void cancelDuringRestoreStopsAtOnceAndWritesNothingMore() throws Exception {
    BackupResult backup = activities.backupAddon(addon());
    pauseServerAtFirst("restoring");
    CompletableFuture<StepResult> call =
        CompletableFuture.supplyAsync(
            () -> activities.restoreAddon(new RestoreInput(addon(), backup.backupId())));
    awaitStage("restoring");
    Thread.sleep(500);
    long cancelled = System.nanoTime();
    env.requestCancelActivity();
    Throwable thrown = assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
    assertTrue(isCancellation(thrown), "not a cancellation: " + thrown);
    assertTrue(
        System.nanoTime() - cancelled < TimeUnit.SECONDS.toNanos(4),
        "the restore went on after the cancellation");
    awaitUnpaused();
    long after = dbSize(destination);
    Thread.sleep(500);
    assertEquals(after, dbSize(destination));
    assertTrue(after < sourceKeys, "the restore was not stopped: " + after + " keys");
    try (Stream<Path> left = Files.walk(backups)) {
      assertEquals(2, left.filter(Files::isRegularFile).count(), "the backup and its manifest");
    }
  }

  @Test
  void eachActivityTwiceGivesTheSameResult() throws Exception {
    BackupResult first = activities.backupAddon(addon());
    BackupManifest manifest = store.manifest(first.backupId()).orElseThrow();
    BackupResult second = activities.backupAddon(addon());
    assertEquals(first.sizeBytes(), second.sizeBytes());
    assertEquals(manifest, store.manifest(second.backupId()).orElseThrow());
    assertTrue(second.logs().get(0).contains("already complete"), second.logs().toString());

    activities.restoreAddon(new RestoreInput(addon(), first.backupId()));
    StepResult again = activities.restoreAddon(new RestoreInput(addon(), first.backupId()));
    assertTrue(
        again
            .logs()
            .get(0)
            .contains(String.format("Emptied the destination addon of %,d keys", sourceKeys)),
        again.logs().toString());
    assertEquals(sourceKeys, activities.verifyAddon(addon()).rows());
    assertEquals(sourceKeys, activities.verifyAddon(addon()).rows());

    assertTrue(activities.deleteBackup(addon()).logs().get(0).startsWith("Deleted"));
    assertTrue(activities.deleteBackup(addon()).logs().get(0).startsWith("No backup"));
  }

  @Test
  void aRestoreAfterACrashEmptiesOnlyTheDestinationsOwnDatabase() throws Exception {
    RedisAddon bystander = provisioner.provision("bystander", password());
    try (Jedis other = connect(bystander);
        Jedis b = connect(destination)) {
      other.set("mine", "untouched");
      b.set("left:by:a:crashed:attempt", "x");
      b.set("string:plain", "half-restored");
    }
    try {
      BackupResult backup = activities.backupAddon(addon());
      StepResult restored = activities.restoreAddon(new RestoreInput(addon(), backup.backupId()));
      assertTrue(
          restored.logs().get(0).contains("Emptied the destination addon of 2 keys"),
          restored.logs().toString());
      assertEquals(sourceKeys, activities.verifyAddon(addon()).rows());
      try (Jedis other = connect(bystander)) {
        assertEquals("untouched", other.get("mine"));
      }
    } finally {
      provisioner.deprovision(bystander.user());
    }
  }

  @Test
  void restoreRefusesADamagedBackupAndAMissingOne() throws Exception {
    ActivityFailure missing =
        assertThrows(
            ActivityFailure.class,
            () -> activities.restoreAddon(new RestoreInput(addon(), migrationId + "/redis-1")));
    assertEquals(
        FailureType.BACKUP_INVALID.name(),
        assertInstanceOf(ApplicationFailure.class, missing.getCause()).getType());

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
    assertEquals(0, dbSize(destination));
  }

  @Test
  void wrongCredentialsFailForGoodWithoutShowingThem() {
    AddonDatabases wrong =
        databases(
            "redis://engine-source:wrong-password@127.0.0.1:"
                + provisioner.server().port()
                + "/"
                + source.database());
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    others.add(other);
    other.registerActivitiesImplementations(
        new DataActivitiesImpl(
            Engines.of(new RedisEngine(wrong, store, options())), Duration.ofMillis(300)));
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> stub(other, 0).backupAddon(addon()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertTrue(cause.isNonRetryable());
    assertFalse(cause.getOriginalMessage().contains("wrong-password"), cause.getOriginalMessage());
    assertTrue(cause.getOriginalMessage().contains("refused"), cause.getOriginalMessage());
  }

  // ---- helpers

  private AddonInput addon() {
    MoveInput move = new MoveInput(migrationId, "agora-fr1", "my-app", "osc-fr1", "my-app");
    return new AddonInput(move, new Addon("redis-1", RedisEngine.PROVIDER, "starter", "7.0"));
  }

  private AddonDatabases databases(String sourceUrl) {
    return new AddonDatabases() {
      @Override
      public String sourceUrl(AppInput sourceApp, Addon addon) {
        return sourceUrl;
      }

      @Override
      public String destinationUrl(MoveInput move, Addon sourceAddon) {
        return destination.url(provisioner.server());
      }
    };
  }

  private static DataOptions options() {
    return DataOptions.defaults().withHeartbeatInterval(Duration.ofMillis(200));
  }

  private DataActivitiesImpl activitiesOver(BackupStore over, RedisTuning tuning) {
    return new DataActivitiesImpl(
        Engines.of(
            new RedisEngine(databases(source.url(provisioner.server())), over, options(), tuning)),
        Duration.ofMillis(200));
  }

  private DataActivities other(BackupStore over) {
    return other(over, 0);
  }

  private DataActivities other(BackupStore over, int attempts) {
    TestActivityEnvironment other = TestActivityEnvironment.newInstance();
    others.add(other);
    other.registerActivitiesImplementations(activitiesOver(over, RedisTuning.defaults()));
    return stub(other, attempts);
  }

  private static DataActivities stub(TestActivityEnvironment environment, int attempts) {
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(5));
    if (attempts > 0) {
      options.setRetryOptions(
          io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(attempts).build());
    }
    return environment.newActivityStub(DataActivities.class, options.build());
  }

  /** Pauses every client of the server for 5 s at the first heartbeat of {@code stage}. */
  private void pauseServerAtFirst(String stage) {
    watchedStage = stage;
    onFirstStage =
        () -> {
          try (Jedis admin = provisioner.server().connect(0)) {
            admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "5000", "ALL");
          }
        };
  }

  private void awaitStage(String stage) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      synchronized (stages) {
        if (stages.contains(stage)) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no heartbeat of stage " + stage + ": " + stages);
  }

  private static void awaitUnpaused() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    AtomicBoolean answered = new AtomicBoolean();
    while (!answered.get() && System.nanoTime() < deadline) {
      try (Jedis admin = provisioner.server().connect(0)) {
        answered.set("PONG".equals(admin.ping()));
      }
      Thread.sleep(100);
    }
    assertTrue(answered.get());
  }

  private static Jedis connect(RedisAddon addon) {
    return new Jedis(URI.create(addon.url(provisioner.server())));
  }

  private static long dbSize(RedisAddon addon) {
    try (Jedis jedis = connect(addon)) {
      return jedis.dbSize();
    }
  }

  private static List<byte[]> keys(Jedis jedis) {
    List<byte[]> keys = new ArrayList<>();
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> page = jedis.scan(cursor, new ScanParams().count(1_000));
      keys.addAll(page.getResult());
      cursor = page.getCursorAsBytes();
    } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
    return keys;
  }

  /** A reply as text, byte strings decoded. */
  private static String text(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (reply instanceof List<?> list) {
      return list.stream().map(RedisEngineTest::text).toList().toString();
    }
    return String.valueOf(reply);
  }

  private static String password() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static ApplicationFailure applicationFailure(Throwable thrown) {
    ApplicationFailure cause = null;
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure failure) {
        cause = failure;
      }
    }
    assertNotNull(cause, thrown.toString());
    return cause;
  }

  private static boolean isCancellation(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure || t instanceof ActivityCanceledException) {
        return true;
      }
    }
    return false;
  }

  @SafeVarargs
  private void assertNoSecretIn(List<String>... logs) {
    for (List<String> lines : logs) {
      for (String line : lines) {
        assertFalse(
            line.contains(source.password())
                || line.contains(destination.password())
                || line.contains("redis://"),
            line);
      }
    }
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
    public Optional<BackupManifest> manifest(String backupId) throws java.io.IOException {
      return store.manifest(backupId);
    }

    @Override
    public Optional<Path> archiveBeingWritten(String backupId, DumpFormat format)
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
}
