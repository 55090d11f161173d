package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveRegionsFixture.count;
import static io.regionmove.activities.data.live.LiveRegionsFixture.execute;
import static io.regionmove.activities.data.live.LiveRegionsFixture.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regionmove.activities.CutoverInput;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.activities.data.live.LiveRegionsFixture.Move;
import io.regionmove.activities.region.RegionAddonDatabases;
import io.regionmove.model.Check;
import io.regionmove.model.FailureType;
import io.regionmove.regionapi.Json;
import io.regionmove.regionapi.RegionClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live data mode's activities against two sandbox regions, each with its own PostgreSQL cluster:
 * the initial copy at a slot's snapshot and the replication after it, the check at a consistent
 * point and the frozen window, lost writes caught, schema changes refused, nothing left on the
 * source after a stop (also when the source was out of reach for a while).
 */
class LiveDataActivitiesTest {

  private static final String[] SCHEMA = {
    "create table accounts (id int primary key, balance numeric(12,2) not null, note text)",
    "insert into accounts select g, g * 1.5, 'acct ' || g from generate_series(1, 2000) g",
    "create table events (id bigserial primary key, account int, at timestamptz default now(),"
        + " payload jsonb)",
    "insert into events (account, payload) select g % 100, jsonb_build_object('n', g)"
        + " from generate_series(1, 3000) g",
    "create table tags (owner int, tag text, weight float8, primary key (owner, tag))",
    "insert into tags select g, 't' || (g % 7), g / 3.0 from generate_series(1, 500) g",
    "select lo_from_bytea(0, 'large object bytes')"
  };

  private static final ObjectMapper JSON = Json.mapper();
  private static LiveRegionsFixture regions;
  private static int apps;

  private TestActivityEnvironment env;
  private LiveDataActivities activities;
  private final List<ReplicationProgress> watched = new ArrayList<>();

  @BeforeAll
  static void start() {
    regions = LiveRegionsFixture.get();
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(newActivities());
    // Both DataProgress (copy, check) and ReplicationProgress (watch) details arrive here.
    env.setActivityHeartbeatListener(
        JsonNode.class,
        details -> {
          if (details.has("lagBytes")) {
            synchronized (watched) {
              watched.add(JSON.convertValue(details, ReplicationProgress.class));
            }
          }
        });
    activities = stub(env);
  }

  @AfterEach
  void tearDown() {
    regions.source.setFaults(io.regionmove.sandbox.FaultOptions.NONE);
    env.close();
  }

  private LiveDataActivitiesImpl newActivities() {
    return new LiveDataActivitiesImpl(
        regions.regions,
        RegionClient::new,
        new RegionAddonDatabases(regions.regions, RegionClient::new),
        null,
        LiveOptions.defaults().withHeartbeatInterval(Duration.ofMillis(200)).withRounds(4, 50));
  }

  private static LiveDataActivities stub(TestActivityEnvironment environment) {
    return environment.newActivityStub(
        LiveDataActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(5))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static synchronized String newApp() {
    return "live-app-" + (++apps);
  }

  private Move started() throws SQLException {
    Move move = regions.move(newApp(), SCHEMA);
    activities.allowReplication(move.input());
    activities.startReplication(move.input());
    return move;
  }

  @Test
  void theCopyIsTakenAtTheSlotsSnapshotAndEveryLaterWriteIsReplicated() throws Exception {
    Move move = regions.move(newApp(), SCHEMA);
    activities.allowReplication(move.input());
    LiveCopyResult copy;
    List<Long> written;
    try (SourceWriter writer = new SourceWriter(move.sourceUrl())) {
      copy = activities.startReplication(move.input());
      Thread.sleep(500);
      writer.close();
      written = writer.acknowledged();
    }
    assertEquals(3, copy.tables(), copy.toString());
    assertTrue(copy.copiedBytes() > 0, copy.toString());
    assertFalse(written.isEmpty(), "the writer wrote during the copy");
    execute(move.sourceUrl(), "update accounts set note = 'after the copy' where id = 7");
    awaitEqual(move, "select note from accounts where id = 7");
    awaitEqual(move, "select count(*) from events");
    assertEquals(
        strings(move.sourceUrl(), "select count(*) || ':' || sum(balance) from accounts"),
        strings(move.destinationUrl(), "select count(*) || ':' || sum(balance) from accounts"));

    LiveCopyResult again = activities.startReplication(move.input());
    assertEquals(
        0, again.copiedBytes(), "the second call finds the subscription and copies nothing");

    stopBoth(move);
    assertEquals(List.of(), regions.replicationLeftovers(move));
  }

  @Test
  void aCutoverUnderWritesLosesNoAcknowledgedWriteAndLeavesNothingOnTheSource() throws Exception {
    Move move = started();
    List<Long> acknowledged;
    LiveCheckResult check;
    CutoverResult cut;
    try (SourceWriter writer = new SourceWriter(move.sourceUrl())) {
      Thread.sleep(300);
      check = activities.verifyBeforeCutover(move.input());
      Thread.sleep(300);
      execute(
          move.sourceUrl(),
          "set default_transaction_read_only = off",
          "select nextval('events_id_seq')");
      cut = activities.catchUp(new CutoverInput(move.input(), check.verificationSlot()));
      writer.close();
      acknowledged = writer.acknowledged();
      assertRefusesWrites(move.sourceUrl());
    }
    assertTrue(check.rounds() >= 1 && check.rows() >= 5500, check.toString());
    assertTrue(cut.sequences() >= 1 && cut.largeObjects() == 1, cut.toString());
    activities.stopReplication(move.input());
    activities.stopReplicationSource(move.input());

    Set<String> present =
        new HashSet<>(strings(move.destinationUrl(), "select id::text from events"));
    List<Long> missing =
        acknowledged.stream().filter(id -> !present.contains(Long.toString(id))).toList();
    assertEquals(List.of(), missing, "every acknowledged write reached the destination");
    for (String query :
        List.of(
            "select count(*) || ':' || sum(balance) from accounts",
            "select count(*) || ':' || sum(hashtextextended(t::text, 0)) from tags t",
            "select md5(string_agg(e::text, ',' order by id)) from events e",
            "select encode(lo_get(oid), 'escape') from pg_largeobject_metadata")) {
      assertEquals(strings(move.sourceUrl(), query), strings(move.destinationUrl(), query), query);
    }
    long sourceNext = count(move.sourceUrl(), "select last_value from events_id_seq");
    execute(move.destinationUrl(), "insert into events (account) values (1)");
    assertTrue(
        count(move.destinationUrl(), "select max(id) from events") > sourceNext,
        "the destination's sequence is ahead of the source's");
    assertEquals(List.of(), regions.replicationLeftovers(move));
    assertEquals(
        List.of("0"),
        strings(move.sourceUrl(), "select count(*) from pg_namespace where nspname = 'regionmove'"),
        "the marker is gone from the source");
  }

  @Test
  void theReplicationBackBringsTheDestinationsWritesIntoTheFrozenSourceAndLeavesNothing()
      throws Exception {
    Move move = started();
    LiveCheckResult check = activities.verifyBeforeCutover(move.input());
    activities.catchUp(new CutoverInput(move.input(), check.verificationSlot()));
    activities.prepareReverseReplication(move.input());
    activities.prepareReverseReplication(move.input());
    // Written while the forward replication is still there: the slot back keeps it.
    execute(move.destinationUrl(), "update accounts set note = 'kept by the slot' where id = 3");
    stopBoth(move);
    activities.startReverseReplication(move.input());
    activities.startReverseReplication(move.input());
    execute(
        move.destinationUrl(),
        "update accounts set note = 'written in the destination' where id = 7",
        "delete from tags where owner = 9",
        "insert into events (account) select 1 from generate_series(1, 50)");
    assertRefusesWrites(move.sourceUrl());

    CutoverResult back = activities.catchUpBack(move.input());

    assertTrue(back.sequences() >= 1, back.toString());
    assertRefusesWrites(move.destinationUrl());
    for (String query :
        List.of(
            "select count(*) || ':' || sum(balance) || ':' || string_agg(note, ',' order by id)"
                + " from accounts",
            "select count(*) || ':' || sum(hashtextextended(t::text, 0)) from tags t",
            "select md5(string_agg(e::text, ',' order by id)) from events e",
            "select last_value from events_id_seq",
            "select encode(lo_get(oid), 'escape') from pg_largeobject_metadata")) {
      assertEquals(strings(move.destinationUrl(), query), strings(move.sourceUrl(), query), query);
    }
    activities.stopReverseReplication(move.input());
    activities.stopReverseReplicationSource(move.input());
    activities.stopReverseReplication(move.input());
    activities.stopReverseReplicationSource(move.input());
    assertEquals(List.of(), regions.replicationBackLeftovers(move));
    assertEquals(List.of(), regions.replicationLeftovers(move));
    activities.unfreezeSourceDatabase(move.input());
    execute(move.sourceUrl(), "insert into events (account) values (1)");
    assertEquals(
        List.of("0"),
        strings(move.sourceUrl(), "select count(*) from pg_namespace where nspname = 'regionmove'"),
        "the markers are gone from the source");
  }

  @Test
  void stoppingAReplicationBackThatNeverStartedIsFine() throws Exception {
    Move move = regions.move(newApp(), SCHEMA);
    activities.stopReverseReplication(move.input());
    activities.stopReverseReplicationSource(move.input());
    assertEquals(List.of(), regions.replicationBackLeftovers(move));
  }

  @Test
  void aWriteLostOnTheWayIsCaughtBeforeTheFreezeOrInTheFrozenWindow() throws Exception {
    Move before = started();
    awaitEqual(before, "select count(*) from accounts");
    execute(before.destinationUrl(), "delete from accounts where id = 1500");
    ActivityFailure early =
        assertThrows(ActivityFailure.class, () -> activities.verifyBeforeCutover(before.input()));
    assertVerificationFailed(early, "public.accounts");
    assertEquals(
        List.of(),
        strings(
            before.sourceUrl(),
            "select slot_name from pg_replication_slots where slot_name like '%\\_v%'"),
        "a failed check leaves no verification slot");
    stopBoth(before);

    Move during = started();
    LiveCheckResult check = activities.verifyBeforeCutover(during.input());
    execute(during.sourceUrl(), "update tags set weight = -1 where owner = 42");
    awaitEqual(during, "select weight from tags where owner = 42");
    execute(during.destinationUrl(), "update tags set weight = 0 where owner = 42");
    ActivityFailure late =
        assertThrows(
            ActivityFailure.class,
            () -> activities.catchUp(new CutoverInput(during.input(), check.verificationSlot())));
    assertVerificationFailed(late, "public.tags");
    activities.unfreezeSourceDatabase(during.input());
    execute(during.sourceUrl(), "insert into accounts values (9001, 1, 'writable again')");
    stopBoth(during);
    assertEquals(List.of(), regions.replicationLeftovers(during));
  }

  @Test
  void aSchemaChangeDuringReplicationIsReportedAndTheCutoverRefused() throws Exception {
    Move move = started();
    CompletableFuture<Void> watching = watch(move);
    execute(move.sourceUrl(), "alter table accounts add column flag boolean");
    execute(move.sourceUrl(), "update accounts set flag = true where id = 3");
    awaitProblem("the columns of table public.accounts changed");
    awaitProblem("apply errors");
    env.requestCancelActivity();
    assertThrows(Exception.class, () -> watching.get(30, TimeUnit.SECONDS));

    ActivityFailure refused =
        assertThrows(ActivityFailure.class, () -> activities.verifyBeforeCutover(move.input()));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, refused.getCause());
    assertTrue(cause.isNonRetryable(), cause.getMessage());
    assertTrue(cause.getMessage().contains("stopped after an error"), cause.getMessage());
    stopBoth(move);
    assertEquals(List.of(), regions.replicationLeftovers(move));
  }

  @Test
  void watchingHeartbeatsTheLagUntilCancelled() throws Exception {
    Move move = started();
    CompletableFuture<Void> watching = watch(move);
    try (SourceWriter writer = new SourceWriter(move.sourceUrl())) {
      awaitBeats(5);
    }
    env.requestCancelActivity();
    assertThrows(Exception.class, () -> watching.get(30, TimeUnit.SECONDS));
    synchronized (watched) {
      assertTrue(watched.stream().allMatch(p -> p.lagBytes() >= 0), watched.toString());
      assertTrue(watched.stream().allMatch(p -> p.problems().isEmpty()), watched.toString());
    }
    stopBoth(move);
  }

  @Test
  void stoppingWhileTheSourceIsOutOfReachDetachesAndDropsTheSlotOnceItAnswers() throws Exception {
    Move move = started();
    regions.cutOffSource(move);
    try {
      activities.stopReplication(move.input());
      assertThrows(ActivityFailure.class, () -> activities.stopReplicationSource(move.input()));
      assertFalse(regions.sourceSlots(move).isEmpty(), "the slot waits for the source");
    } finally {
      regions.reconnectSource(move);
    }
    activities.stopReplicationSource(move.input());
    assertEquals(List.of(), regions.replicationLeftovers(move));
    activities.stopReplicationSource(move.input());
    activities.stopReplication(move.input());
  }

  @Test
  void stoppingWhatNeverStartedIsFine() throws Exception {
    Move move = regions.move(newApp(), SCHEMA);
    activities.stopReplication(move.input());
    activities.stopReplicationSource(move.input());
    activities.unfreezeSourceDatabase(move.input());
    assertEquals(List.of(), regions.replicationLeftovers(move));
  }

  @Test
  void preflightNamesWhatLiveModeCannotReplicate() throws Exception {
    Move move =
        regions.move(
            newApp(),
            "create table good (id int primary key)",
            "create table keyless (a int, b text)",
            "create unlogged table scratch (id int primary key)",
            "select lo_from_bytea(0, 'x')");
    List<Check> checks = activities.checkLiveSource(move.input()).checks();
    List<String> failed = checks.stream().filter(c -> !c.passed()).map(Check::message).toList();
    assertEquals(2, failed.size(), checks.toString());
    assertTrue(failed.get(0).contains("public.keyless") && failed.get(0).contains("--data"));
    assertTrue(failed.get(1).contains("public.scratch"), failed.toString());
    assertTrue(
        checks.stream()
            .anyMatch(
                c -> c.passed() && c.message() != null && c.message().contains("1 large objects")),
        checks.toString());
    ActivityFailure refused =
        assertThrows(
            ActivityFailure.class,
            () -> {
              activities.allowReplication(move.input());
              activities.startReplication(move.input());
            });
    assertTrue(refused.getCause().getMessage().contains("public.keyless"));
    activities.stopReplicationSource(move.input());
    assertEquals(List.of(), regions.replicationLeftovers(move));
  }

  // ---- helpers

  private CompletableFuture<Void> watch(Move move) {
    return CompletableFuture.runAsync(() -> activities.watchReplication(move.input()));
  }

  private void awaitBeats(int beats) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      synchronized (watched) {
        if (watched.size() >= beats) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("only " + watched.size() + " heartbeats");
  }

  private void awaitProblem(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      synchronized (watched) {
        if (watched.stream().anyMatch(p -> p.problems().stream().anyMatch(s -> s.contains(text)))) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no heartbeat reported '" + text + "': " + watched);
  }

  private void stopBoth(Move move) {
    activities.stopReplication(move.input());
    activities.stopReplicationSource(move.input());
  }

  private static void awaitEqual(Move move, String query) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!strings(move.sourceUrl(), query).equals(strings(move.destinationUrl(), query))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(query + " differs");
      }
      Thread.sleep(50);
    }
  }

  private static void assertRefusesWrites(String url) {
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> execute(url, "insert into accounts values (-1, 0, 'must be refused')"));
    assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
  }

  private static void assertVerificationFailed(ActivityFailure failure, String table) {
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.VERIFICATION_FAILED.name(), cause.getType(), cause.getMessage());
    assertTrue(cause.getMessage().contains(table), cause.getMessage());
  }
}
