package io.regionmove.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Webhook notifications of a migration's status changes (SPEC §10 {@code --notify}). They run on
 * the migrations task queue: a webhook is not a region's business.
 */
@ActivityInterface
public interface NotificationActivities {

  /**
   * POSTs the change as JSON to the URL, signed with {@code X-Regionmove-Signature: sha256=<hex
   * HMAC-SHA256 of the body>} under the worker's {@code REGIONMOVE_NOTIFY_SECRET} (never an input).
   * A 2xx answer delivers it; 408, 429, 5xx, a time-out, a refused connection or a worker without a
   * secret are retried; any other answer fails for good ({@code NOTIFICATION_REJECTED}).
   */
  @ActivityMethod(name = "NotifyStatusChange")
  NotifyResult notifyStatusChange(NotifyInput input);
}
