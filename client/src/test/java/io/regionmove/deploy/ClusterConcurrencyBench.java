package io.regionmove.deploy;

import io.regionmove.client.MigrationClient;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.web.MigrationStack;
import io.regionmove.web.WorkerJarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test (never run by CI): N migrations (no data step) of N sample apps at once on
 * a two-node Temporal cluster ({@code deploy/temporal-cluster.sh}) with three worker processes from
 * the shaded jar, split as in production: {@code --regions agora-fr1}, {@code --regions osc-fr1}
 * and {@code --migrations-only}. Prints the wall time from the first create to the last {@code
 * done} and each worker's peak resident memory (VmHWM).
 *
 * <p>Run with {@code bench/concurrency.sh N --cluster}.
 */
public final class ClusterConcurrencyBench {

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    // "query": every driver polls its migration's status query, as the dev-server bench (and the
    // CLI) do; at 1,000 migrations those pollers are most of the load measured. By default one
    // visibility query a second finds the migrations whose preflight ended.
    boolean byQueries = "query".equals(System.getProperty("bench.wait"));
    Path dir = MigrationStack.newDirectory("bench-cluster");
    try (TemporalCluster cluster = TemporalCluster.up(dir.resolve("cluster"), 2, false);
        MigrationStack stack =
            MigrationStack.onServer("bench-cluster-stack", cluster.clientEnv(1))) {
      System.out.printf(
          Locale.ROOT, "cluster of 2 nodes up in %.1f s%n", cluster.startTime().toMillis() / 1e3);
      long seedStart = System.nanoTime();
      ExecutorService seeders = Executors.newFixedThreadPool(4);
      List<Future<?>> seeded = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String app = app(i);
        seeded.add(seeders.submit(() -> stack.seed(app, 10, 0)));
      }
      for (Future<?> f : seeded) {
        f.get();
      }
      seeders.shutdown();
      System.out.printf(Locale.ROOT, "seeded %d apps in %.1f s%n", count, seconds(seedStart));

      Map<String, WorkerJarProcess> workers = new LinkedHashMap<>();
      workers.put("agora-fr1", stack.startWorker(List.of("--regions", MigrationStack.SOURCE)));
      workers.put("osc-fr1", stack.startWorker(List.of("--regions", MigrationStack.DESTINATION)));
      workers.put("migrations-only", stack.startWorker(List.of("--migrations-only")));
      Map<String, AtomicLong> peaks = new LinkedHashMap<>();
      workers.forEach(
          (name, worker) -> {
            AtomicLong peak = new AtomicLong();
            peaks.put(name, peak);
            long pid = worker.process().pid();
            Thread sampler = new Thread(() -> sampleMemory(pid, peak), "memory-" + name);
            sampler.setDaemon(true);
            sampler.start();
          });

      MigrationClient migrations = stack.migrations();
      PreflightWatch watch =
          byQueries ? null : new PreflightWatch(stack.client(), Duration.ofSeconds(1));
      ExecutorService drivers = Executors.newFixedThreadPool(count);
      long start = System.nanoTime();
      List<Future<Migration>> runs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String app = app(i);
        runs.add(
            drivers.submit(
                () -> {
                  String id =
                      migrations.create(
                          app, MigrationStack.SOURCE, MigrationStack.DESTINATION, app, null);
                  Migration checked =
                      byQueries
                          ? migrations.awaitPreflight(id, m -> {}, Duration.ofMinutes(10))
                          : watch.await(id, Duration.ofMinutes(10), migrations);
                  if (checked.status() != MigrationStatus.PREFLIGHT_SUCCESS) {
                    return checked;
                  }
                  migrations.prepare(id);
                  return migrations.finalize(id);
                }));
      }
      int done = 0;
      List<String> failures = new ArrayList<>();
      for (Future<Migration> run : runs) {
        try {
          Migration m = run.get();
          if (m.status() == MigrationStatus.DONE) {
            done++;
          } else {
            failures.add(m.app() + ": " + m.status() + " " + m.errors());
          }
        } catch (ExecutionException e) {
          failures.add(String.valueOf(e.getCause()));
        }
      }
      double wall = seconds(start);
      drivers.shutdownNow();
      if (watch != null) {
        watch.close();
      }
      StringBuilder memory = new StringBuilder();
      workers.forEach(
          (name, worker) -> {
            long peak = Math.max(peaks.get(name).get(), readKb(worker.process().pid(), "VmHWM"));
            memory.append(String.format(Locale.ROOT, " %s %.0f MB;", name, peak / 1024.0));
          });
      System.out.printf(
          Locale.ROOT,
          "%d of %d migrations done in %.1f s wall time on the 2-node cluster (preflights awaited"
              + " by %s); worker peak RSS:%s (target 512 MB each)%n",
          done,
          count,
          wall,
          byQueries ? "status queries, one poller per migration" : "one visibility query a second",
          memory);
      failures.stream().limit(10).forEach(f -> System.out.println("  failed: " + f));
      if (done != count) {
        System.exit(1);
      }
    }
  }

  private static String app(int i) {
    return String.format(Locale.ROOT, "bench-app-%04d", i);
  }

  private static void sampleMemory(long pid, AtomicLong peakKb) {
    while (!Thread.currentThread().isInterrupted()) {
      peakKb.accumulateAndGet(readKb(pid, "VmHWM"), Math::max);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** A field of /proc/PID/status in kB, or 0 once the process is gone. */
  private static long readKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private ClusterConcurrencyBench() {}
}
