package io.regionmove.activities.data.mysql;

import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Waits for a tool whose input or output a background task pumps (the dump writer, an archive
 * follower), heartbeating: when the pump fails first the tool is killed at once, so that it cannot
 * go on with half an input or block on a full pipe.
 */
final class PumpedTool {

  /** The pump failed while the tool ran; the tool is dead. */
  static final class PumpFailedException extends ToolFailedException {
    private final transient Throwable failure;

    PumpFailedException(Throwable failure) {
      super(Redaction.redact(String.valueOf(failure.getMessage())));
      this.failure = failure;
    }

    Throwable failure() {
      return failure;
    }
  }

  private PumpedTool() {}

  /**
   * @return the tool's exit code
   * @throws PumpFailedException when the pump failed before the tool ended
   */
  static int await(
      ToolProcess tool, Future<?> pump, Heartbeat heartbeat, Supplier<DataProgress> progress)
      throws InterruptedException {
    return tool.await(
        heartbeat.interval(),
        () -> {
          heartbeat.beat(progress.get());
          Optional<Throwable> failure = failureOf(pump);
          if (failure.isPresent()) {
            throw new PumpFailedException(failure.get());
          }
        });
  }

  /** The pump's failure, once it is done; empty while it runs or when it succeeded. */
  static Optional<Throwable> failureOf(Future<?> pump) {
    if (!pump.isDone() || pump.isCancelled()) {
      return Optional.empty();
    }
    try {
      pump.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.ofNullable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
