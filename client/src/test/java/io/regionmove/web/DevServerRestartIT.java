package io.regionmove.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.testkit.WorkerProcess;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Temporal dev server and the worker are both SIGKILLed in the middle of the data step; the
 * server comes back on its SQLite file, a new worker starts, and the migration carries on to done
 * with the destination's data equal to the source's. Fails, never skips, without the Temporal CLI
 * or PostgreSQL.
 */
class DevServerRestartIT {

  /** On top of the sample app's rows, so that the dump and restore take seconds. */
  private static final int EXTRA_EVENTS = 400_000;

  @RegisterExtension
  static final RegionmoveTestStack stack = RegionmoveTestStack.onPersistentDevServer();

  @Test
  void migrationCompletesAfterTheDevServerAndTheWorkerAreKilledDuringTheDataStep() {
    stack.seedSourceApp("my-app", 10_000);
    SandboxProbe.addSampleEvents(stack.source(), "my-app", EXTRA_EVENTS);
    Map<String, DatabaseFingerprint.Table> sourceData =
        DatabaseFingerprint.of(SandboxProbe.databaseUrl(stack.source(), "my-app"));

    WorkerProcess first = startWorker();
    MigrationClient migrations = migrations();
    String id =
        migrations.create(
            "my-app",
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            "my-app",
            RegionmoveTestStack.QUICK_RETRIES);
    assertEquals(
        MigrationStatus.PREFLIGHT_SUCCESS,
        migrations.awaitPreflight(id, m -> {}, Duration.ofSeconds(60)).status());
    assertEquals(MigrationStatus.PREPARED, migrations.prepare(id).status());
    migrations.startStep(id, Step.DATA);

    awaitDatabaseCopy(first);
    List<String> killed = first.kill().stream().map(WorkerProcess.Descendant::command).toList();
    stack.killTemporal();
    assertFalse(
        first.process().isAlive() || stack.temporalServer().isAlive(),
        "worker and server are dead");
    assertTrue(
        killed.stream().anyMatch(c -> c.contains("pg_dump") || c.contains("pg_restore")),
        () -> "a copy was running when the worker was killed: " + killed);

    Instant restarted = Instant.now();
    stack.restartTemporal();
    WorkerProcess second = startWorker();
    Migration migrated =
        awaitStatus(migrations(), id, MigrationStatus.DATA_MIGRATED, Duration.ofMinutes(3), second);
    System.out.printf(
        "data step finished %d s after the restart:%n%s%n",
        Duration.between(restarted, Instant.now()).toSeconds(),
        String.join(
            "\n",
            migrated.steps().stream()
                .filter(s -> s.phase() == Phase.DATA)
                .map(s -> "  " + s.name() + ": " + s.logs())
                .toList()));

    assertEquals(
        sourceData,
        DatabaseFingerprint.of(SandboxProbe.databaseUrl(stack.destination(), "my-app")),
        "destination data");

    Migration done = migrations().finalize(id);
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);

    // The restarted server still answers visibility queries for it (no local index consulted).
    MigrationClient withoutIndex =
        new MigrationClient(
            stack.client(), new MigrationIndex(stack.dir().resolve("no-index/migrations.json")));
    List<Migration> listed = withoutIndex.list("my-app", RegionmoveTestStack.SOURCE);
    assertTrue(
        listed.stream().anyMatch(m -> m.id().equals(id) && m.status() == MigrationStatus.DONE),
        () -> "listed through visibility: " + listed);
  }

  /** {@code regionmove worker} from the shaded jar, polling every queue of both regions. */
  private static WorkerProcess startWorker() {
    return stack
        .startWorkerProcess(WorkerProcess.Launch.regionmoveWorker())
        .awaitStarted(Duration.ofSeconds(60));
  }

  /**
   * The client API the CLI uses, on the stack's current client (the server restarts), with the
   * stack's own local index.
   */
  private static MigrationClient migrations() {
    return new MigrationClient(
        stack.client(), new MigrationIndex(stack.dir().resolve("migrations.json")));
  }

  /** Waits until pg_dump or pg_restore runs under the worker. */
  private static void awaitDatabaseCopy(WorkerProcess worker) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      boolean copying =
          worker
              .process()
              .descendants()
              .anyMatch(
                  p -> {
                    String command = p.info().command().orElse("");
                    return command.contains("pg_dump") || command.contains("pg_restore");
                  });
      if (copying) {
        return;
      }
      if (!worker.process().isAlive()) {
        throw new AssertionError("the worker exited:\n" + worker.log());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError("no pg_dump or pg_restore ran within 120 s:\n" + worker.log());
  }

  private static Migration awaitStatus(
      MigrationClient migrations,
      String id,
      MigrationStatus wanted,
      Duration timeout,
      WorkerProcess worker) {
    Instant deadline = Instant.now().plus(timeout);
    Migration last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = migrations.status(id);
        if (last.status() == wanted) {
          return last;
        }
        if (last.status() == MigrationStatus.ERROR || last.status() == MigrationStatus.ABORTED) {
          throw new AssertionError("the migration ended " + last.status() + ": " + last);
        }
      } catch (WorkflowQueryException | WorkflowServiceException e) {
        // the new worker is still picking the workflow up
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(
        "not " + wanted + " after " + timeout + "; last: " + last + "\n" + worker.log());
  }
}
