package io.regionmove.activities.data;

import io.temporal.activity.ActivityExecutionContext;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reports a data activity's progress while it waits for slow work: a tool process or a background
 * task. The waiting thread sends the latest {@link DataProgress} every interval; Temporal answers a
 * heartbeat of a cancelled activity by throwing, and that is how a cancellation is noticed: the
 * tool is killed at once, the background task interrupted, and the exception goes on.
 *
 * <p>One instance serves one activity call, from the thread that runs it.
 */
public final class Heartbeat {

  private final Consumer<? super DataProgress> sink;
  private final Duration interval;
  private long lastBeat = System.nanoTime();

  /**
   * @param sink sends one heartbeat; throws when the activity is cancelled
   * @param interval how often progress is sent, and so how soon a cancellation is noticed
   */
  public Heartbeat(Consumer<? super DataProgress> sink, Duration interval) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /** Heartbeats the running activity. */
  public static Heartbeat of(ActivityExecutionContext context, Duration interval) {
    return new Heartbeat(context::heartbeat, interval);
  }

  public Duration interval() {
    return interval;
  }

  /** Sends {@code progress} now. */
  public void beat(DataProgress progress) {
    sink.accept(progress);
    lastBeat = System.nanoTime();
  }

  /** Sends the progress if an interval has passed since the last heartbeat; for polling loops. */
  public void beatIfDue(Supplier<DataProgress> progress) {
    if (System.nanoTime() - lastBeat >= interval.toNanos()) {
      beat(progress.get());
    }
  }

  /**
   * Waits for the tool to end, heartbeating its latest progress; a cancellation kills the tool and
   * its children at once.
   *
   * @return the tool's exit code
   */
  public int await(ToolProcess tool, Supplier<DataProgress> progress) throws InterruptedException {
    return tool.await(interval, () -> beat(progress.get()));
  }

  /**
   * Waits for background work, heartbeating its latest progress; a cancellation interrupts the work
   * and goes on. A checked failure of the work becomes a (retryable) {@link ToolFailedException}
   * with its message redacted.
   */
  public <T> T await(Future<T> work, Supplier<DataProgress> progress) {
    try {
      while (true) {
        try {
          return work.get(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          beat(progress.get());
        }
      }
    } catch (InterruptedException e) {
      work.cancel(true);
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      ToolFailedException failure =
          new ToolFailedException(Redaction.redact(String.valueOf(cause.getMessage())));
      // A driver's exception may carry the connection settings in its fields.
      failure.initCause(cause instanceof SQLException ? null : cause);
      throw failure;
    } catch (RuntimeException | Error e) {
      work.cancel(true);
      throw e;
    }
  }
}
