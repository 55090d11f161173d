package io.regionmove.worker;

import io.regionmove.testkit.MigrationTally;
import io.regionmove.testkit.ProcessMemory;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.workflows.AppMigrationWorkflow;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Benchmark, not a test (never run by CI): N migrations (no data step) of N different sample apps
 * at once through one worker process on the Temporal dev server. Prints the wall time from the
 * first create to the last {@code done}, and the worker's peak resident memory (VmHWM).
 *
 * <p>Run with {@code bench/concurrency.sh [N]}.
 */
public final class ConcurrentMigrationsBench {

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (RegionmoveTestStack stack =
        RegionmoveTestStack.onDevServer().start("concurrent-migrations-bench")) {
      long seedStart = System.nanoTime();
      stack.seedSourceApps(IntStream.range(0, count).mapToObj(i -> app(i)).toList(), 10);
      System.out.printf(Locale.ROOT, "seeded %d apps in %.1f s%n", count, seconds(seedStart));

      WorkerProcess worker = stack.startWorkerProcess().awaitStarted(Duration.ofSeconds(60));
      long pid = worker.process().pid();
      AtomicLong peakKb = new AtomicLong();
      Thread sampler = new Thread(() -> ProcessMemory.samplePeak(pid, peakKb), "memory-sampler");
      sampler.setDaemon(true);
      sampler.start();

      long start = System.nanoTime();
      MigrationTally tally =
          MigrationTally.runAtOnce(
              IntStream.range(0, count).mapToObj(i -> app(i)).toList(),
              app -> {
                AppMigrationWorkflow stub = stack.startMigration(app);
                RegionmoveTestStack.awaitPreflightSuccess(stub);
                stub.prepare();
                return stub.finalizeMigration();
              });
      int done = tally.done();
      List<String> failures = tally.failures();
      double wall = seconds(start);
      long peak = Math.max(peakKb.get(), ProcessMemory.readKb(pid, "VmHWM"));
      System.out.printf(
          Locale.ROOT,
          "%d of %d migrations done in %.1f s wall time (target 60 s); worker peak RSS %.0f MB (target 512 MB)%n",
          done,
          count,
          wall,
          peak / 1024.0);
      failures.stream().limit(10).forEach(f -> System.out.println("  failed: " + f));
      if (done != count) {
        System.exit(1);
      }
    }
  }

  private static String app(int i) {
    return String.format(Locale.ROOT, "bench-app-%03d", i);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private ConcurrentMigrationsBench() {}
}
