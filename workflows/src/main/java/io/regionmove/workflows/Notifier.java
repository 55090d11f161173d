package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.NotificationActivities;
import io.regionmove.activities.NotifyInput;
import io.regionmove.activities.NotifyResult;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.StatusChange;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Tells the migration's webhooks of every status change (SPEC §10 {@code --notify}): one delivery
 * activity per change and URL, started without waiting and in a detached scope, so a webhook that
 * is down never delays, fails or is cancelled with the migration. The workflow waits for the
 * deliveries only before it completes, since a delivery still pending then would be lost.
 */
final class Notifier {

  private static final Logger log = Workflow.getLogger(Notifier.class);

  private final MigrationRequest request;
  private final List<Promise<NotifyResult>> deliveries = new ArrayList<>();
  private MigrationStatus lastStatus;
  private Phase lastStep;
  private int sequence;

  Notifier(MigrationRequest request) {
    this.request = request;
  }

  /** Sends the change to every URL, unless the status and step are those last sent. */
  void statusChanged(MigrationStatus status, Phase step) {
    if (request.notifyUrls().isEmpty() || (status == lastStatus && step == lastStep)) {
      return;
    }
    lastStatus = status;
    lastStep = step;
    StatusChange change =
        new StatusChange(
            request.migrationId(),
            request.app(),
            request.source(),
            request.destination(),
            status,
            step,
            Progress.now(),
            ++sequence);
    for (String url : request.notifyUrls()) {
      NotificationActivities webhook =
          Workflow.newActivityStub(
              NotificationActivities.class,
              MigrationActivityOptions.notification(
                  "notify " + host(url) + ": " + status.wireName() + " (" + step + ")"));
      Workflow.newDetachedCancellationScope(
              () ->
                  deliveries.add(
                      Async.function(webhook::notifyStatusChange, new NotifyInput(url, change))
                          .exceptionally(
                              e -> {
                                log.warn(
                                    "Status change {} ({}) not delivered to {}: {}",
                                    change.sequence(),
                                    status,
                                    host(url),
                                    e instanceof TemporalFailure t ? describe(t) : e.toString());
                                return null;
                              })))
          .run();
    }
  }

  /** Returns once every delivery has succeeded or been given up (at most a day). */
  void awaitDeliveries() {
    Workflow.newDetachedCancellationScope(
            () -> Workflow.await(() -> deliveries.stream().allMatch(Promise::isCompleted)))
        .run();
  }

  /** The host the summary names: a webhook URL's path or query may hold a token. */
  private static String host(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "webhook" : host;
    } catch (IllegalArgumentException e) {
      return "webhook";
    }
  }
}
