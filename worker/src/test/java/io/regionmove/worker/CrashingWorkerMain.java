package io.regionmove.worker;

import io.regionmove.activities.config.Regions;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process that dies on cue: {@link WorkerMain}'s worker (every region, configured from the
 * same environment) with a {@link CrashInterceptor} for the points of {@value
 * CrashPoints#VARIABLE}. At a point it prints {@code CRASH-POINT <type> <moment> <attempt>} on
 * stdout and blocks until the test SIGKILLs it. Without points it is an ordinary worker.
 */
public final class CrashingWorkerMain {

  private static final Logger log = LoggerFactory.getLogger(CrashingWorkerMain.class);

  private CrashingWorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    CrashPoints points = CrashPoints.parse(System.getenv(CrashPoints.VARIABLE));
    log.info("Crash points: {}", points.isEmpty() ? "none" : points);
    WorkflowClient client = TemporalClients.fromEnvironment();
    RegionmoveWorker.start(
        client,
        Regions.fromEnvironment(),
        new RegionmoveWorker.Options(
            Set.of(),
            null,
            List.of(new CrashInterceptor(points, CrashInterceptor::printAndBlock))));
    // Runs until killed: a crash test never stops it gracefully.
    Thread.currentThread().join();
  }
}
