package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.worker.CrashPoints.Point;
import io.regionmove.worker.CrashPoints.When;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityInput;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import io.temporal.common.interceptors.Header;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The crash interceptor stops exactly at its points, so the crash IT cannot pass without crashing.
 */
class CrashInterceptorTest {

  /** What a test's crash action throws instead of blocking. */
  private static final class Crashed extends RuntimeException {
    final Point point;

    Crashed(Point point) {
      super("crashed at " + point);
      this.point = point;
    }
  }

  /**
   * One activity attempt through the interceptor, recording what reached the activity and Temporal.
   */
  private static final class Attempt {
    final List<String> events = new ArrayList<>();
    private final ActivityInboundCallsInterceptor intercepted;

    Attempt(CrashInterceptor interceptor, String type, int attempt, int heartbeats) {
      ActivityInfo info =
          (ActivityInfo)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {ActivityInfo.class},
                  (p, m, a) ->
                      switch (m.getName()) {
                        case "getActivityType" -> type;
                        case "getAttempt" -> attempt;
                        default -> throw new UnsupportedOperationException(m.getName());
                      });
      ActivityExecutionContext context =
          (ActivityExecutionContext)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {ActivityExecutionContext.class},
                  (p, m, a) -> {
                    switch (m.getName()) {
                      case "getInfo" -> {
                        return info;
                      }
                      case "heartbeat" -> {
                        events.add("heartbeat sent " + a[0]);
                        return null;
                      }
                      default -> throw new UnsupportedOperationException(m.getName());
                    }
                  });
      ActivityInboundCallsInterceptor activity =
          new ActivityInboundCallsInterceptor() {
            private ActivityExecutionContext seen;

            @Override
            public void init(ActivityExecutionContext c) {
              seen = c;
            }

            @Override
            public ActivityOutput execute(ActivityInput input) {
              events.add("work started");
              for (int i = 1; i <= heartbeats; i++) {
                seen.heartbeat(i);
              }
              events.add("work done");
              return new ActivityOutput("result");
            }
          };
      intercepted = interceptor.interceptActivity(activity);
      intercepted.init(context);
    }

    Object run() {
      Object result =
          intercepted.execute(new ActivityInput(Header.empty(), new Object[0])).getResult();
      events.add("reported " + result);
      return result;
    }
  }

  private static CrashInterceptor interceptor(String points) {
    return new CrashInterceptor(
        CrashPoints.parse(points),
        p -> {
          throw new Crashed(p);
        });
  }

  @Test
  void aBeforePointStopsTheAttemptBeforeTheActivityRuns() {
    Attempt attempt = new Attempt(interceptor("CreateApp:before:1"), "CreateApp", 1, 0);
    Crashed crashed = assertThrows(Crashed.class, attempt::run);
    assertEquals(Point.parse("CreateApp:before:1"), crashed.point);
    assertEquals(List.of(), attempt.events, "the activity did nothing");
  }

  @Test
  void anAfterPointLetsTheActivityWorkButReportsNothing() {
    Attempt attempt = new Attempt(interceptor("CreateApp:after:1"), "CreateApp", 1, 0);
    Crashed crashed = assertThrows(Crashed.class, attempt::run);
    assertEquals(When.AFTER, crashed.point.when());
    assertEquals(List.of("work started", "work done"), attempt.events, "done, but never reported");
  }

  @Test
  void anInsidePointStopsAtTheFirstHeartbeatOnceTemporalHasIt() {
    Attempt attempt = new Attempt(interceptor("BackupAddon:inside:1"), "BackupAddon", 1, 3);
    Crashed crashed = assertThrows(Crashed.class, attempt::run);
    assertEquals(When.INSIDE, crashed.point.when());
    assertEquals(List.of("work started", "heartbeat sent 1"), attempt.events);
  }

  @Test
  void otherTypesAndLaterAttemptsRunThrough() {
    CrashInterceptor interceptor =
        interceptor("CreateApp:before:1,BackupAddon:inside:1,CopyConfig:after:1");
    for (Attempt attempt :
        List.of(
            new Attempt(interceptor, "CreateApp", 2, 0),
            new Attempt(interceptor, "BackupAddon", 2, 2),
            new Attempt(interceptor, "CopyConfig", 3, 0),
            new Attempt(interceptor, "FreezeSource", 1, 0))) {
      assertEquals("result", attempt.run());
      assertEquals("reported result", attempt.events.get(attempt.events.size() - 1));
    }
  }

  @Test
  void pointsRoundTripThroughTheEnvironmentAndTheMarker() {
    CrashPoints points =
        CrashPoints.parse(
            " CheckSource:before:1, CopyConfig:after:1,CopyConfig:after:1,RestoreAddon:inside:1 ");
    assertEquals(4, points.size());
    assertEquals(points, CrashPoints.parse(points.toString()));
    Point copy = Point.parse("CopyConfig:after:1");
    assertEquals(
        "CheckSource:before:1,CopyConfig:after:1,RestoreAddon:inside:1",
        points.without(copy).toString(),
        "one occurrence is passed, the next call of that type is still a point");
    assertEquals(
        Optional.of(copy), CrashPoints.reachedIn("12:00:01 INFO started\n" + copy.marker() + "\n"));
    assertEquals(Optional.empty(), CrashPoints.reachedIn("Worker started"));
    assertTrue(CrashPoints.parse("").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> CrashPoints.parse("CreateApp:during:1"));
    assertThrows(IllegalArgumentException.class, () -> CrashPoints.parse("CreateApp:before"));
    assertThrows(
        IllegalArgumentException.class, () -> points.without(Point.parse("StartApp:before:1")));
  }
}
