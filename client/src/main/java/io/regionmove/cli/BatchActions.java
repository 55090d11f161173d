package io.regionmove.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.client.BatchClient;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationNotFoundException;
import io.regionmove.client.MigrationRejectedException;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchEntry;
import io.regionmove.model.BatchEntryState;
import io.regionmove.model.BatchOutcome;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.regionapi.Json;
import io.temporal.client.WorkflowQueryException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch commands' work and output (SPEC §10): follow a batch with its live table, abort one,
 * then print the table, the summary line and what to do about the migrations that did not make it.
 * Each method that ends a command returns its exit code.
 */
final class BatchActions {

  static final Duration POLL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(BatchActions.class);

  private final BatchClient batches;
  private final MigrationClient migrations;
  private final Console console;
  private final boolean json;

  BatchActions(BatchClient batches, MigrationClient migrations, Console console, boolean json) {
    this.batches = batches;
    this.migrations = migrations;
    this.console = console;
    this.json = json;
  }

  /** Shows the live table until {@code end} completes; the batch as it ended. */
  Batch watch(Batch first, CompletableFuture<Batch> end) {
    BatchTable table = json ? null : new BatchTable(console, first.entries().size());
    show(table, first);
    while (true) {
      try {
        Batch ended = end.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (table != null) {
          table.finish(ended);
        }
        return ended;
      } catch (TimeoutException e) {
        try {
          show(table, batches.status(first.id()));
        } catch (WorkflowQueryException e2) {
          log.debug("Batch {} not queryable now: {}", first.id(), e2.getMessage());
        }
      } catch (ExecutionException e) {
        throw unwrap(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(
            ExitCodes.FAILED,
            "Interrupted; batch "
                + first.id()
                + " goes on in Temporal (abort it with `regionmove migration-batch-abort "
                + first.id()
                + "`).");
      }
    }
  }

  private void show(BatchTable table, Batch batch) {
    if (table == null) {
      return;
    }
    Map<String, Migration> live = new HashMap<>();
    for (BatchEntry entry : batch.entries()) {
      if (entry.state() == BatchEntryState.RUNNING) {
        try {
          live.put(entry.migrationId(), migrations.status(entry.migrationId()));
        } catch (RuntimeException e) {
          // Not started or not queryable yet: the row says "starting" until the next poll.
          log.debug("Migration {} not queryable: {}", entry.migrationId(), e.toString());
        }
      }
    }
    table.show(batch, live);
  }

  /**
   * Aborts, one by one, the unfinished migrations of a batch that has ended (at most its
   * concurrency at once); the batch with their new statuses.
   */
  Batch abortEnded(Batch batch) {
    List<BatchEntry> entries = new ArrayList<>(batch.entries());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, batch.concurrency()));
    try {
      Map<Integer, Future<BatchEntry>> aborts = new HashMap<>();
      for (int i = 0; i < entries.size(); i++) {
        BatchEntry entry = entries.get(i);
        if (entry.state() == BatchEntryState.FINISHED
            && (entry.status() == null || !entry.status().isTerminal())) {
          aborts.put(i, pool.submit(() -> abortOne(entry)));
        }
      }
      BatchTable table = json ? null : new BatchTable(console, entries.size());
      for (var abort : aborts.entrySet()) {
        entries.set(abort.getKey(), abort.getValue().get());
        if (table != null) {
          table.show(withEntries(batch, entries), Map.of());
        }
      }
      Batch after = withEntries(batch, entries);
      if (table != null) {
        table.finish(after);
      }
      return after;
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "Interrupted; the aborts go on in Temporal.");
    } finally {
      pool.shutdownNow();
    }
  }

  private BatchEntry abortOne(BatchEntry entry) {
    Migration m;
    try {
      m = migrations.abort(entry.migrationId());
    } catch (MigrationRejectedException e) {
      m = migrations.status(entry.migrationId()); // it ended meanwhile
    } catch (MigrationNotFoundException e) {
      return entry; // never started
    }
    String why =
        m.errors().isEmpty() || m.status() != MigrationStatus.ABORTED
            ? entry.error()
            : "some undo steps failed: " + m.errors().get(0);
    return entry.finished(m.status(), why, Instant.now());
  }

  private static Batch withEntries(Batch b, List<BatchEntry> entries) {
    return new Batch(
        b.id(),
        b.source(),
        b.destination(),
        b.through(),
        b.concurrency(),
        b.state(),
        entries,
        b.startedAt(),
        b.finishedAt());
  }

  /** After migration-batch: the summary and what to do next; the exit code. */
  int report(Batch batch) {
    if (json) {
      printJson(batch);
    } else {
      printProblems(batch);
      console.println(batch.summary());
      if (batch.allDone() && batch.through() != Phase.FINALIZE) {
        boolean replicating =
            batch.entries().stream().anyMatch(e -> e.status() == MigrationStatus.DATA_REPLICATING);
        console.println(
            "Every migration went through "
                + batch.through()
                + (replicating
                    ? " and replicates its data while its app keeps running; cut each over with"
                        + " migration-run --finalize MIGRATION_ID, or abort them all with:"
                    : "; run the next steps of each with migration-run, or abort them all with:"));
        console.println("  " + NextCommands.PROGRAM + " migration-batch-abort " + batch.id());
      }
    }
    if (batch.allDone()) {
      return ExitCodes.OK;
    }
    console.error(
        (batch.entries().size() - batch.count(BatchOutcome.DONE))
            + " of the "
            + batch.entries().size()
            + " migrations of batch "
            + batch.id()
            + " did not go through "
            + batch.through()
            + "; see the lines above.");
    return ExitCodes.FAILED;
  }

  /** After migration-batch-abort: the summary; the exit code. */
  int reportAbort(Batch batch) {
    if (json) {
      printJson(batch);
    } else {
      printProblems(batch);
      console.println("The batch '" + batch.id() + "' has been aborted");
      console.println(batch.summary());
    }
    // Done as asked once no migration is left half-way and no undo failed; one that had ended
    // (done, preflight error) had nothing to abort.
    List<BatchEntry> left =
        batch.entries().stream()
            .filter(
                e ->
                    e.state() == BatchEntryState.FINISHED
                        && (e.status() == null
                            || !e.status().isTerminal()
                            || (e.status() == MigrationStatus.ABORTED && e.error() != null)))
            .toList();
    if (left.isEmpty()) {
      return ExitCodes.OK;
    }
    console.error(
        left.size()
            + " migration(s) of batch "
            + batch.id()
            + " did not end aborted; see the lines above.");
    return ExitCodes.FAILED;
  }

  /** The apps that did not make it, each with why and the commands to follow or abort it. */
  private void printProblems(Batch batch) {
    List<BatchEntry> problems =
        batch.entries().stream()
            .filter(
                e ->
                    e.outcome(batch.through()) == BatchOutcome.ERROR
                        || (e.outcome(batch.through()) == BatchOutcome.ABORTED
                            && e.error() != null))
            .toList();
    if (problems.isEmpty()) {
      return;
    }
    console.println("Migrations that did not make it:");
    for (BatchEntry e : problems) {
      console.println(
          "  "
              + e.app()
              + " ("
              + (e.status() == null ? "error" : e.status())
              + "): "
              + (e.error() == null ? "see migration-follow" : e.error()));
      if (e.status() != null && !e.status().isTerminal()) {
        console.println(
            "    "
                + NextCommands.follow(batch.source(), e.app(), e.migrationId())
                + "\n    "
                + NextCommands.base(batch.source(), e.app())
                + " migration-abort "
                + e.migrationId());
      }
    }
  }

  void printJson(Object value) {
    try {
      console.println(Json.pretty().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot print the batch as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static RuntimeException unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }
}
