package io.regionmove.worker;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the next run of one activity type at its start until the test lets it go, so a test can set
 * the scene (take a lock) at a precise point of a migration. Runs of other types pass.
 */
final class ActivityGate extends WorkerInterceptorBase {

  private volatile String heldType;
  private volatile CountDownLatch arrived = new CountDownLatch(0);
  private volatile CountDownLatch released = new CountDownLatch(0);

  /** The next run of {@code activityType} will wait at its start for {@link #release()}. */
  void hold(String activityType) {
    arrived = new CountDownLatch(1);
    released = new CountDownLatch(1);
    heldType = activityType;
  }

  /** Waits until the held activity has reached the gate. */
  void awaitArrived(Duration timeout) throws InterruptedException {
    if (!arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(heldType + " did not start in " + timeout);
    }
  }

  /** Lets the held activity go on; later runs pass. */
  void release() {
    heldType = null;
    released.countDown();
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String type;

      @Override
      public void init(ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        if (type.equals(heldType)) {
          CountDownLatch wait = released;
          arrived.countDown();
          try {
            wait.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.execute(input);
      }
    };
  }
}
