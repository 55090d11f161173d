package io.regionmove.cli;

import io.grpc.health.v1.HealthCheckResponse;
import io.regionmove.worker.TemporalClients;
import io.temporal.client.WorkflowClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI daemon's Temporal client, shared by its commands: made once from the environment (the
 * daemon's, which is the commands' own) and health-checked before each command. When the check
 * fails (the server stopped, restarted, moved), a new client is made exactly as a command in its
 * own JVM makes one, so an unreachable server is the same exit code 3 and the same sentence; gRPC
 * reconnects the old one meanwhile, and it is shut down gracefully (calls in flight finish).
 *
 * <p>Commands that need a client while one is being made wait for it and share its outcome, so a
 * server that does not answer costs them one connection timeout, not one each.
 */
final class WarmTemporal implements Supplier<WorkflowClient> {

  private static final Logger log = LoggerFactory.getLogger(WarmTemporal.class);

  /** The client, made or being made; null before the first command or after a failed attempt. */
  private CompletableFuture<WorkflowClient> current;

  @Override
  public WorkflowClient get() {
    CompletableFuture<WorkflowClient> seen;
    synchronized (this) {
      seen = current;
    }
    if (seen != null && !seen.isDone()) {
      return join(seen);
    }
    WorkflowClient warm = madeClient(seen);
    if (warm != null && answers(warm)) {
      return warm;
    }
    CompletableFuture<WorkflowClient> attempt;
    boolean mine = false;
    synchronized (this) {
      if (current == seen) {
        current = new CompletableFuture<>();
        mine = true;
      }
      attempt = current;
    }
    if (mine) {
      if (warm != null) {
        log.info("The Temporal server stopped answering the CLI daemon's client; connecting again");
        warm.getWorkflowServiceStubs().shutdown();
      }
      try {
        attempt.complete(TemporalClients.fromEnvironment());
      } catch (RuntimeException e) {
        attempt.completeExceptionally(e);
        synchronized (this) {
          if (current == attempt) {
            current = null;
          }
        }
      }
    }
    return join(attempt);
  }

  private static WorkflowClient join(CompletableFuture<WorkflowClient> attempt) {
    try {
      return attempt.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Shuts the client down (the daemon is ending). */
  synchronized void close() {
    WorkflowClient client = madeClient(current);
    if (client != null) {
      client.getWorkflowServiceStubs().shutdown();
    }
    current = null;
  }

  private static WorkflowClient madeClient(CompletableFuture<WorkflowClient> future) {
    return future != null && future.isDone() && !future.isCompletedExceptionally()
        ? future.join()
        : null;
  }

  /**
   * One health check: an idle or connected channel sends it at once; one waiting to reconnect (the
   * server went away) fails it at once, and a new client is made.
   */
  private static boolean answers(WorkflowClient client) {
    try {
      return client.getWorkflowServiceStubs().healthCheck().getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (RuntimeException e) {
      log.debug("The CLI daemon's Temporal client failed its health check", e);
      return false;
    }
  }
}
