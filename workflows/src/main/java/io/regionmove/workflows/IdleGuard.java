package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The idle guard (SPEC §2): a migration left waiting for its next step longer than the idle limit
 * is aborted, so its source app does not stay frozen for ever.
 */
final class IdleGuard {

  private final Duration limit;

  IdleGuard(Duration limit) {
    this.limit = limit;
  }

  /**
   * Waits until {@code asked} holds; false when the idle limit passed first.
   *
   * <p>The timer is started exactly where {@code Workflow.await(limit, asked)} starts its own and,
   * like it, is never cancelled (SDK 1.38 without the CANCEL_AWAIT_TIMER_ON_CONDITION flag, which
   * the recorded histories do not carry), so those histories replay: the only difference is the
   * summary Temporal Web shows instead of a bare timer id.
   *
   * @throws CanceledFailure when the workflow is cancelled while it waits
   */
  boolean awaitWithinLimit(Supplier<Boolean> asked) {
    Promise<Void> idle =
        Workflow.newTimer(
            limit,
            TimerOptions.newBuilder()
                .setSummary("idle guard: abort if no step is run within " + describe(limit))
                .build());
    Workflow.await(() -> idle.isCompleted() || asked.get());
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the workflow was cancelled while waiting for a step");
    }
    return !idle.isCompleted();
  }

  /** Why the guard aborted the migration, as the user reads it. */
  String reason() {
    return "no step was run for "
        + describe(limit)
        + " (the idle limit), so the migration was aborted to unfreeze the source app";
  }
}
