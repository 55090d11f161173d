package io.regionmove.testkit;

import io.regionmove.activities.data.DataProgress;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a test sees of a migration's running activities through Temporal (describe), as an operator
 * would: which are started, the progress their last heartbeat reported, when they are gone.
 */
public final class PendingActivities {

  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();
  private static final Duration POLL = Duration.ofMillis(50);

  private PendingActivities() {}

  /** The started activity of {@code type}, if one is. */
  public static Optional<PendingActivityInfo> started(WorkflowStub workflow, String type) {
    return workflow.describe().getRawDescription().getPendingActivitiesList().stream()
        .filter(a -> a.getActivityType().getName().equals(type))
        .filter(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
        .findFirst();
  }

  /** Whether an activity of {@code type} is pending (scheduled, started or being cancelled). */
  public static boolean pending(WorkflowStub workflow, String type) {
    return workflow.describe().getRawDescription().getPendingActivitiesList().stream()
        .anyMatch(a -> a.getActivityType().getName().equals(type));
  }

  /** The data activity's last heartbeat, if it sent one (a stack's client has no codec). */
  public static Optional<DataProgress> progress(PendingActivityInfo activity) {
    if (!activity.hasHeartbeatDetails()) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        CONVERTER.fromPayloads(
            0,
            Optional.of(activity.getHeartbeatDetails()),
            DataProgress.class,
            DataProgress.class));
  }

  /**
   * Waits until the started activity of {@code type} reported a progress that {@code wanted}
   * accepts; fails after {@code timeout}.
   */
  public static DataProgress awaitProgress(
      WorkflowStub workflow, String type, Predicate<DataProgress> wanted, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    DataProgress last = null;
    while (Instant.now().isBefore(deadline)) {
      Optional<DataProgress> progress =
          started(workflow, type).flatMap(PendingActivities::progress);
      if (progress.isPresent()) {
        last = progress.get();
        if (wanted.test(last)) {
          return last;
        }
      }
      RegionmoveTestStack.sleep(POLL);
    }
    throw new AssertionError(type + " did not report the progress awaited; last: " + last);
  }

  /** Waits until no activity of {@code type} is pending; fails after {@code timeout}. */
  public static void awaitGone(WorkflowStub workflow, String type, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!pending(workflow, type)) {
        return;
      }
      RegionmoveTestStack.sleep(POLL);
    }
    throw new AssertionError(type + " was still pending after " + timeout);
  }
}
