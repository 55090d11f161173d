package io.regionmove.worker;

import io.regionmove.worker.CrashPoints.Point;
import io.regionmove.worker.CrashPoints.When;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Stops a worker dead at one of its {@link CrashPoints}: before an activity attempt does anything,
 * after it returned but before its result is reported, or inside it at its first heartbeat (which
 * is passed on first, so Temporal has seen it). What "stop dead" means is the {@code crash} action:
 * in a worker process, print the marker and block until the test SIGKILLs the process.
 *
 * <p>A process crashes once: after the first point is reached, every activity attempt that enters
 * the interceptor blocks as well, so nothing moves on before the kill.
 */
final class CrashInterceptor extends WorkerInterceptorBase {

  private final CrashPoints points;
  private final Consumer<Point> crash;
  private final AtomicBoolean crashed = new AtomicBoolean();

  /**
   * @param crash called at most once, with the point reached; it is expected not to return (a test
   *     may make it throw)
   */
  CrashInterceptor(CrashPoints points, Consumer<Point> crash) {
    this.points = points;
    this.crash = crash;
  }

  /** Prints the point's marker on stdout and blocks the calling thread for good. */
  static void printAndBlock(Point point) {
    System.out.println(point.marker());
    System.out.flush();
    blockForever();
  }

  private static void blockForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // A shutdown interrupts activity threads; a crashed worker does not get to finish anything.
      }
    }
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(heartbeatWatching(context));
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        reach(When.BEFORE);
        ActivityOutput output = super.execute(input);
        reach(When.AFTER);
        return output;
      }

      private void reach(When when) {
        if (crashed.get()) {
          blockForever();
        }
        points
            .find(info.getActivityType(), when, info.getAttempt())
            .ifPresent(
                point -> {
                  if (crashed.compareAndSet(false, true)) {
                    crash.accept(point);
                  } else {
                    blockForever();
                  }
                });
      }

      /** The context, with heartbeat() reaching the INSIDE point once the heartbeat is sent. */
      private ActivityExecutionContext heartbeatWatching(ActivityExecutionContext context) {
        InvocationHandler handler =
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(context, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("heartbeat")) {
                reach(When.INSIDE);
              }
              return result;
            };
        return (ActivityExecutionContext)
            Proxy.newProxyInstance(
                ActivityExecutionContext.class.getClassLoader(),
                new Class<?>[] {ActivityExecutionContext.class},
                handler);
      }
    };
  }
}
