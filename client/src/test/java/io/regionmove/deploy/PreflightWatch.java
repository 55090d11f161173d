package io.regionmove.deploy;

import io.regionmove.client.MigrationClient;
import io.regionmove.model.Migration;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the migrations whose preflight ended with one visibility query per period (by the
 * RegionMigrationStatus search attribute) for all of them, instead of one status poller per
 * migration: what an operator's batch driver would do with many migrations at once.
 */
final class PreflightWatch implements AutoCloseable {

  private static final String QUERY =
      "WorkflowType = 'AppMigrationWorkflow'"
          + " AND RegionMigrationStatus IN ('preflight-success', 'preflight-error')";

  private final Map<String, CompletableFuture<Void>> ended = new ConcurrentHashMap<>();
  private final Thread thread;

  PreflightWatch(WorkflowClient client, Duration period) {
    thread =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  client
                      .listExecutions(QUERY)
                      .forEach(e -> future(e.getExecution().getWorkflowId()).complete(null));
                } catch (RuntimeException e) {
                  System.err.println("visibility query failed: " + e);
                }
                try {
                  Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "preflight-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** The migration once visibility shows its preflight ended (its status read by a query). */
  Migration await(String id, Duration timeout, MigrationClient migrations) throws Exception {
    try {
      future(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("preflight of " + id + " not seen within " + timeout, e);
    }
    return migrations.status(id);
  }

  private CompletableFuture<Void> future(String workflowId) {
    return ended.computeIfAbsent(workflowId, k -> new CompletableFuture<>());
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
