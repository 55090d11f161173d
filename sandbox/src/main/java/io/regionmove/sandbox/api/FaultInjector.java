package io.regionmove.sandbox.api;

import io.javalin.http.Context;
import io.regionmove.sandbox.FaultOptions;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects the faults of a region's current {@link FaultOptions} into requests. The region calls
 * {@link #before} ahead of handling a request and {@link #after} once it is handled; with {@link
 * FaultOptions#afterCommit()} false a fault answers in {@code before}, so the request is never
 * handled, and with it true the fault replaces the answer in {@code after}, once any change is
 * saved.
 */
public final class FaultInjector implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);
  private static final String PENDING = "regionmove.sandbox.fault";
  static final String INJECTED_FAULT = "injected fault";

  private enum Fault {
    ERROR,
    HANG
  }

  /**
   * The options and the draws made with them; replaced as a whole so a new seed restarts the
   * sequence.
   */
  private record Current(FaultOptions options, Random random) {}

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "sandbox-fault-timer");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<CompletableFuture<Void>> hanging = ConcurrentHashMap.newKeySet();
  private final JsonAnswers answers;
  private volatile Current current;

  public FaultInjector(FaultOptions options, JsonAnswers answers) {
    this.answers = answers;
    set(options);
  }

  public FaultOptions options() {
    return current.options();
  }

  public void set(FaultOptions options) {
    FaultOptions faults = options == null ? FaultOptions.NONE : options;
    current = new Current(faults, faults.seed() == null ? new Random() : new Random(faults.seed()));
    if (faults.active()) {
      log.info("Faults set: {}", faults.toSpec());
    }
  }

  /**
   * Draws the fault of a request about to be handled and waits its latency.
   *
   * @return true when the request has been answered by a fault (or is hanging) and must not be
   *     handled
   */
  public boolean before(Context ctx, boolean routerRequest) throws InterruptedException {
    Current now = current;
    FaultOptions faults = now.options();
    if (!faults.active() || (routerRequest && !faults.router())) {
      return false;
    }
    Fault fault;
    long latencyMillis;
    synchronized (now) {
      double draw = now.random().nextDouble();
      fault =
          draw < faults.hangRate()
              ? Fault.HANG
              : draw < faults.hangRate() + faults.errorRate() ? Fault.ERROR : null;
      long min = faults.minLatency().toMillis();
      long max = faults.maxLatency().toMillis();
      latencyMillis = max > min ? min + (long) (now.random().nextDouble() * (max - min + 1)) : min;
    }
    if (fault != Fault.HANG && latencyMillis > 0) {
      Thread.sleep(latencyMillis);
    }
    if (fault == null) {
      return false;
    }
    if (faults.afterCommit()) {
      ctx.attribute(PENDING, new Pending(fault, faults));
      return false;
    }
    strike(ctx, fault, faults);
    return true;
  }

  /**
   * Replaces the answer of a handled request by the fault {@link #before} drew for after the
   * commit, if any.
   */
  public void after(Context ctx) {
    Pending pending = ctx.attribute(PENDING);
    if (pending != null) {
      ctx.attribute(PENDING, null);
      strike(ctx, pending.fault(), pending.options());
    }
  }

  private record Pending(Fault fault, FaultOptions options) {}

  private void strike(Context ctx, Fault fault, FaultOptions faults) {
    ctx.removeHeader("Location");
    if (fault == Fault.ERROR) {
      answers.error(ctx, 503, INJECTED_FAULT);
      return;
    }
    CompletableFuture<Void> release = new CompletableFuture<>();
    hanging.add(release);
    timer.schedule(
        () -> release.complete(null), faults.hangTime().toMillis(), TimeUnit.MILLISECONDS);
    ctx.future(
        () ->
            release.thenRun(
                () -> {
                  hanging.remove(release);
                  answers.error(
                      ctx,
                      504,
                      "injected hang: no answer for " + faults.hangTime().toMillis() + " ms");
                }));
  }

  /** Ends every hanging request. */
  @Override
  public void close() {
    timer.shutdownNow();
    hanging.forEach(h -> h.complete(null));
    hanging.clear();
  }
}
