package io.regionmove.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.TemporalFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A workflow's pending activities as the server describes them, decoded for progress views. */
public final class PendingActivities {

  private static final Logger log = LoggerFactory.getLogger(PendingActivities.class);

  private PendingActivities() {}

  /**
   * The pending activities of a workflow description, decoded with {@code converter}, in scheduling
   * order.
   */
  public static List<PendingActivity> of(List<PendingActivityInfo> infos, DataConverter converter) {
    List<PendingActivity> pending = new ArrayList<>();
    for (PendingActivityInfo info : infos) {
      pending.add(
          new PendingActivity(
              info.getActivityId(),
              info.getActivityType().getName(),
              info.getAttempt(),
              info.getMaximumAttempts(),
              info.hasHeartbeatDetails() ? lastDetail(info.getHeartbeatDetails(), converter) : null,
              info.hasLastFailure() ? failureMessage(info.getLastFailure(), converter) : null,
              info.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
                  && info.getAttempt() > 1,
              info.hasScheduledTime()
                  ? Instant.ofEpochSecond(
                      info.getScheduledTime().getSeconds(), info.getScheduledTime().getNanos())
                  : null));
    }
    pending.sort(
        Comparator.comparing(
                PendingActivity::scheduledTime, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.activityId().length())
            .thenComparing(PendingActivity::activityId));
    return pending;
  }

  private static JsonNode lastDetail(Payloads payloads, DataConverter converter) {
    if (payloads.getPayloadsCount() == 0) {
      return null;
    }
    try {
      return converter.fromPayloads(
          payloads.getPayloadsCount() - 1, Optional.of(payloads), JsonNode.class, JsonNode.class);
    } catch (RuntimeException e) {
      // Details the converter cannot read (another codec key, a binary payload) only lose the
      // progress.
      log.debug("Cannot decode heartbeat details: {}", e.getMessage());
      return null;
    }
  }

  private static String failureMessage(Failure failure, DataConverter converter) {
    try {
      RuntimeException e = converter.failureToException(failure);
      String message = e instanceof TemporalFailure t ? t.getOriginalMessage() : e.getMessage();
      if (message != null && !message.isBlank()) {
        return message;
      }
    } catch (RuntimeException e) {
      log.debug("Cannot decode an activity failure: {}", e.getMessage());
    }
    return failure.getMessage().isBlank() ? null : failure.getMessage();
  }
}
