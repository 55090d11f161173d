package io.regionmove.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * The one place that builds {@link ActivityOptions}, for the migration and batch workflows.
 *
 * <p>Every forward call waits for its activity to acknowledge cancellation, so that an abort undoes
 * an action only once it has stopped. Transient failures are retried with backoff; permanent ones
 * are non-retryable {@code ApplicationFailure}s raised by the activities.
 */
public final class MigrationActivityOptions {

  /** How long a short forward call may keep failing transiently before the step is in error. */
  static final Duration FORWARD_SCHEDULE_TO_CLOSE = Duration.ofHours(1);

  /** How long an undo is retried before it is shown as a failed step. */
  static final Duration COMPENSATION_SCHEDULE_TO_CLOSE = Duration.ofHours(6);

  /** How long a preflight check waits for a worker of its region to pick it up. */
  static final Duration PREFLIGHT_SCHEDULE_TO_START = Duration.ofMinutes(1);

  /** A region that stays unavailable this long fails the preflight: creating should answer soon. */
  static final Duration PREFLIGHT_SCHEDULE_TO_CLOSE = Duration.ofMinutes(2);

  /** A batch's driver call that has not ended by then is retried, and resumes where it was. */
  static final Duration BATCH_START_TO_CLOSE = Duration.ofDays(1);

  static final Duration BATCH_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  private static final RetryOptions FORWARD_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .build();

  private static final RetryOptions COMPENSATION_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(5))
          .build();

  /** How long a webhook delivery is retried before the status change is given up. */
  static final Duration NOTIFICATION_SCHEDULE_TO_CLOSE = Duration.ofHours(24);

  private static final RetryOptions NOTIFICATION_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(3))
          .build();

  private MigrationActivityOptions() {}

  /** A short forward action: an API call or two. */
  public static ActivityOptions forward(String region, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setScheduleToCloseTimeout(FORWARD_SCHEDULE_TO_CLOSE)
        .setRetryOptions(FORWARD_RETRY)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(summary)
        .build();
  }

  /**
   * A preflight check. No worker polls the queue of a region nobody configured, so a check that is
   * not picked up in time fails the preflight instead of waiting for ever.
   */
  public static ActivityOptions preflight(String region, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setScheduleToStartTimeout(PREFLIGHT_SCHEDULE_TO_START)
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setScheduleToCloseTimeout(PREFLIGHT_SCHEDULE_TO_CLOSE)
        .setRetryOptions(FORWARD_RETRY)
        .setSummary(summary)
        .build();
  }

  /** A long data action (backup, restore, verify): heartbeats, so abort stops it promptly. */
  public static ActivityOptions longRunning(
      String region, String summary, Duration heartbeatTimeout) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setStartToCloseTimeout(Duration.ofHours(12))
        .setHeartbeatTimeout(heartbeatTimeout)
        .setRetryOptions(FORWARD_RETRY)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(summary)
        .build();
  }

  /**
   * The lag watch of a replicating addon: runs until cancelled (days, possibly), heartbeating the
   * lag, retried without end on another worker if its worker dies; cancelled without waiting.
   */
  public static ActivityOptions watch(String region, String summary, Duration heartbeatTimeout) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setStartToCloseTimeout(Duration.ofDays(3650))
        .setHeartbeatTimeout(heartbeatTimeout)
        .setRetryOptions(FORWARD_RETRY)
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .setSummary(summary)
        .build();
  }

  /**
   * An undo that must not give up: dropping a replication slot on the source. A slot left behind
   * keeps the source's WAL until its disk is full, so it is retried until the source answers.
   */
  public static ActivityOptions untilDone(String region, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setRetryOptions(COMPENSATION_RETRY)
        .setSummary(summary)
        .build();
  }

  /** An undo: retried patiently, since giving up leaves something behind. */
  public static ActivityOptions compensation(String region, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.regionTaskQueue(region))
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setScheduleToCloseTimeout(COMPENSATION_SCHEDULE_TO_CLOSE)
        .setRetryOptions(COMPENSATION_RETRY)
        .setSummary(summary)
        .build();
  }

  /**
   * A webhook delivery, on the migrations queue: retried for a day, at least every few minutes, so
   * an endpoint that comes back gets every change soon after; never cancelled by the migration.
   */
  public static ActivityOptions notification(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setScheduleToCloseTimeout(NOTIFICATION_SCHEDULE_TO_CLOSE)
        .setRetryOptions(NOTIFICATION_RETRY)
        .setSummary(summary)
        .build();
  }

  /**
   * A batch's call that drives one migration, or aborts it, on the migrations task queue. It lasts
   * as long as the migration's steps (hours for a large data step) and heartbeats while it waits,
   * so a dead worker's call is retried at once; a retry reads the migration's status and goes on
   * from there.
   */
  public static ActivityOptions batch(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
        .setStartToCloseTimeout(BATCH_START_TO_CLOSE)
        .setHeartbeatTimeout(BATCH_HEARTBEAT_TIMEOUT)
        .setRetryOptions(FORWARD_RETRY)
        .setSummary(summary)
        .build();
  }
}
