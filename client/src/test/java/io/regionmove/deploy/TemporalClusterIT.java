package io.regionmove.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.regionmove.cli.CliProcess;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.testkit.WorkerProcess;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production topology on one machine: a two-node Temporal cluster on PostgreSQL started by
 * {@code deploy/temporal-cluster.sh}, and three worker processes split as in production (one per
 * region, one for the migrations queue only). During the data step one server node and the source
 * region's worker (with its {@code pg_dump}) are SIGKILLed; a supervisor's replacement worker
 * starts; the migration ends {@code done} with equal data, and the CLI and visibility queries by
 * the four search attributes answer through the surviving node. Fails, never skips, without Go's
 * server binaries, the Temporal CLI or PostgreSQL.
 */
class TemporalClusterIT {

  /** On top of the sample app's rows, so that the dump and restore take seconds. */
  private static final int EXTRA_EVENTS = 300_000;

  /** Every client and worker talks to node 1: node 2 is the one that dies. */
  private static final TemporalCluster cluster = TemporalCluster.of(2, false);

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onServer(cluster);

  private static final List<WorkerProcess> workers = new ArrayList<>();

  /** Before the stack closes the cluster: the workers stop first, as they would in production. */
  @AfterAll
  static void downStopsEveryNode() {
    workers.forEach(WorkerProcess::close);
    cluster.close();
    assertTrue(cluster.allNodesDown(), "down stops every node");
  }

  @Test
  void migrationWithDataCompletesWhenANodeAndTheSourceWorkerAreKilledDuringTheDataStep() {
    TemporalCluster.ScriptResult status = cluster.status();
    assertEquals(0, status.exitCode(), status.output());
    assertTrue(
        status.output().contains("node1") && status.output().contains("node2"), status.output());

    stack.seedSourceApp("my-app", 10_000);
    SandboxProbe.addSampleEvents(stack.source(), "my-app", EXTRA_EVENTS);
    Map<String, DatabaseFingerprint.Table> sourceData =
        DatabaseFingerprint.of(SandboxProbe.databaseUrl(stack.source(), "my-app"));

    WorkerProcess agora = startWorker("--regions", RegionmoveTestStack.SOURCE);
    WorkerProcess osc = startWorker("--regions", RegionmoveTestStack.DESTINATION);
    WorkerProcess workflows = startWorker("--migrations-only");
    assertTrue(workflows.log().contains("task queue regionmove-migrations only"), workflows.log());

    MigrationClient migrations =
        new MigrationClient(
            stack.client(), new MigrationIndex(stack.dir().resolve("migrations.json")));
    String id =
        migrations.create(
            "my-app",
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            "my-app",
            RegionmoveTestStack.QUICK_RETRIES);
    assertEquals(
        MigrationStatus.PREFLIGHT_SUCCESS,
        migrations.awaitPreflight(id, m -> {}, Duration.ofSeconds(90)).status());
    assertEquals(MigrationStatus.PREPARED, migrations.prepare(id).status());
    migrations.startStep(id, Step.DATA);

    // The fleet split: the backup runs under the source region's worker only.
    awaitTool(agora, "pg_dump", List.of(osc, workflows));
    long killedAt = System.nanoTime();
    Instant killInstant = Instant.now();
    List<String> killed = agora.kill().stream().map(WorkerProcess.Descendant::command).toList();
    cluster.kill(2);
    assertFalse(agora.process().isAlive(), "the source region's worker is dead");
    assertTrue(cluster.node(2).isEmpty(), "node2 is dead");
    assertTrue(killed.stream().anyMatch(c -> c.contains("pg_dump")), () -> "killed: " + killed);

    // What a supervisor does: start the region's worker again.
    WorkerProcess agoraAgain = startWorker("--regions", RegionmoveTestStack.SOURCE);
    Migration migrated =
        awaitStatus(migrations, id, MigrationStatus.DATA_MIGRATED, Duration.ofMinutes(4));
    System.out.printf(
        "data step done %d s after the kills%n",
        Duration.ofNanos(System.nanoTime() - killedAt).toSeconds());
    assertEquals(MigrationStatus.DATA_MIGRATED, migrated.status());
    assertEquals(
        sourceData,
        DatabaseFingerprint.of(SandboxProbe.databaseUrl(stack.destination(), "my-app")),
        "destination data");
    assertTrue(agoraAgain.process().isAlive() && osc.process().isAlive());

    Migration done = migrations.finalize(id);
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);

    // node1 saw node2 leave its history ring and took over every history shard node2 owned.
    assertEquals(
        Set.of("127.0.0.1:" + (port(cluster.address(1)) + 1)),
        lastHistoryRing(cluster.log(1)),
        "node1's last history ring");
    Set<Integer> ownedByNode2 = acquiredShards(cluster.log(2), Instant.EPOCH);
    Set<Integer> takenOver = acquiredShards(cluster.log(1), killInstant);
    System.out.printf(
        "node2 owned shards %s; node1 acquired %s after the kill%n", ownedByNode2, takenOver);
    assertTrue(
        takenOver.containsAll(ownedByNode2), () -> ownedByNode2 + " not all in " + takenOver);

    // The CLI, without a local index, lists it through the surviving node.
    Map<String, String> cli = new HashMap<>(stack.temporalEnvironment());
    cli.put("REGIONMOVE_HOME", stack.dir().resolve("cli-home").toString());
    cli.put("REGIONMOVE_REGIONS", stack.regionsFile().toString());
    CliProcess.Result listed =
        CliProcess.run(
            cli, List.of("--region", RegionmoveTestStack.SOURCE, "--app", "my-app", "migrations"));
    assertEquals(0, listed.exitCode(), listed::toString);
    assertTrue(
        listed.stdout().lines().anyMatch(l -> l.startsWith(id) && l.trim().endsWith("done")),
        listed::toString);

    // Visibility queries by each search attribute, through the surviving node.
    for (String query :
        List.of(
            "RegionMigrationApp = 'my-app'",
            "RegionMigrationSource = 'agora-fr1'",
            "RegionMigrationDestination = 'osc-fr1'",
            "RegionMigrationStatus = 'done'")) {
      Set<String> ids =
          stack
              .client()
              .listExecutions("WorkflowType = 'AppMigrationWorkflow' AND " + query)
              .map(e -> e.getExecution().getWorkflowId())
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(Set.of(id), ids, query);
    }
  }

  /**
   * {@code regionmove worker ARGS} from the shaded jar, started; stopped before the cluster goes
   * down.
   */
  private static WorkerProcess startWorker(String... args) {
    WorkerProcess worker =
        stack.startWorkerProcess(WorkerProcess.Launch.regionmoveWorker().withArguments(args));
    workers.add(worker);
    return worker.awaitStarted(Duration.ofSeconds(60));
  }

  /**
   * Waits until {@code tool} runs under {@code worker}, failing if it ever runs under one of the
   * {@code others} (they poll other queues).
   */
  private static void awaitTool(WorkerProcess worker, String tool, List<WorkerProcess> others) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      for (WorkerProcess other : others) {
        assertFalse(runs(other, tool), () -> tool + " runs under another worker:\n" + other.log());
      }
      if (runs(worker, tool)) {
        return;
      }
      if (!worker.process().isAlive()) {
        throw new AssertionError("the worker exited:\n" + worker.log());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError("no " + tool + " ran within 120 s:\n" + worker.log());
  }

  private static boolean runs(WorkerProcess worker, String tool) {
    return worker
        .process()
        .descendants()
        .anyMatch(p -> p.info().command().orElse("").endsWith("/" + tool));
  }

  private static Migration awaitStatus(
      MigrationClient migrations, String id, MigrationStatus wanted, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Migration last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = migrations.status(id);
        if (last.status() == wanted) {
          return last;
        }
        assertNotEquals(MigrationStatus.ERROR, last.status(), last.toString());
        assertNotEquals(MigrationStatus.ABORTED, last.status(), last.toString());
      } catch (WorkflowQueryException | WorkflowServiceException | StatusRuntimeException e) {
        // the surviving node is taking over the dead one's shards
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("not " + wanted + " after " + timeout + "; last: " + last);
  }

  /** The history shards a node's log says it acquired at or after {@code since}. */
  private static Set<Integer> acquiredShards(String log, Instant since) {
    Set<Integer> shards = new TreeSet<>();
    Pattern ts = Pattern.compile("\"ts\":\"([^\"]+)\"");
    Pattern shard = Pattern.compile("\"shard-id\":(\\d+)");
    for (String line : log.lines().toList()) {
      if (!line.contains("\"msg\":\"Acquired shard\"")) {
        continue;
      }
      Matcher t = ts.matcher(line);
      Matcher s = shard.matcher(line);
      if (t.find() && s.find() && !Instant.parse(t.group(1)).isBefore(since)) {
        shards.add(Integer.parseInt(s.group(1)));
      }
    }
    return shards;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The addresses in the last "Current reachable members" line of a node's history ring. */
  private static Set<String> lastHistoryRing(String log) {
    Set<String> last = Set.of();
    for (String line : log.lines().toList()) {
      if (line.contains("\"Current reachable members\"")
          && line.contains("\"service\":\"history\"")) {
        Set<String> addresses = new TreeSet<>();
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:\\d+").matcher(line);
        while (m.find()) {
          addresses.add(m.group());
        }
        last = addresses;
      }
    }
    return last;
  }
}
