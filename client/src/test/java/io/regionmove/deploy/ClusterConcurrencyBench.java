package io.regionmove.deploy;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.MigrationTally;
import io.regionmove.testkit.ProcessMemory;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

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
    TemporalCluster cluster = TemporalCluster.of(2, false);
    try (RegionmoveTestStack stack =
        RegionmoveTestStack.onServer(cluster).start("ClusterConcurrencyBench")) {
      System.out.printf(
          Locale.ROOT, "cluster of 2 nodes up in %.1f s%n", cluster.startTime().toMillis() / 1e3);
      long seedStart = System.nanoTime();
      stack.seedSourceApps(IntStream.range(0, count).mapToObj(i -> app(i)).toList(), 10);
      System.out.printf(Locale.ROOT, "seeded %d apps in %.1f s%n", count, seconds(seedStart));

      Map<String, WorkerProcess> workers = new LinkedHashMap<>();
      workers.put("agora-fr1", startWorker(stack, "--regions", RegionmoveTestStack.SOURCE));
      workers.put("osc-fr1", startWorker(stack, "--regions", RegionmoveTestStack.DESTINATION));
      workers.put("migrations-only", startWorker(stack, "--migrations-only"));
      Map<String, AtomicLong> peaks = new LinkedHashMap<>();
      workers.forEach(
          (name, worker) -> {
            AtomicLong peak = new AtomicLong();
            peaks.put(name, peak);
            long pid = worker.process().pid();
            Thread sampler =
                new Thread(() -> ProcessMemory.samplePeak(pid, peak), "memory-" + name);
            sampler.setDaemon(true);
            sampler.start();
          });

      Map<String, List<ProcessHandle>> measured = new LinkedHashMap<>();
      measured.put("temporal node1", List.of(cluster.node(1).orElseThrow()));
      measured.put("temporal node2", List.of(cluster.node(2).orElseThrow()));
      measured.put("temporal's postgresql", withDescendants(cluster.postgres().orElseThrow()));
      for (String region : List.of(RegionmoveTestStack.SOURCE, RegionmoveTestStack.DESTINATION)) {
        measured.put(
            region + "'s postgresql",
            withDescendants(postmaster(stack.postgres(region).port()).orElseThrow()));
      }
      workers.forEach(
          (name, worker) -> measured.put("worker " + name, List.of(worker.process().toHandle())));
      measured.put("driver and regions (this JVM)", List.of(ProcessHandle.current()));
      // What the stack costs doing nothing (pollers, the servers' own loops), to tell it apart.
      Duration idle = Duration.ofSeconds(Integer.getInteger("bench.idle", 30));
      Map<String, Duration> idleBefore = cpu(measured);
      Thread.sleep(idle.toMillis());
      Map<String, Duration> cpuBefore = cpu(measured);
      long machineBefore = machineJiffies();

      MigrationClient migrations =
          new MigrationClient(
              stack.client(), new MigrationIndex(stack.dir().resolve("migrations.json")));
      PreflightWatch watch =
          byQueries ? null : new PreflightWatch(stack.client(), Duration.ofSeconds(1));
      long start = System.nanoTime();
      MigrationTally tally =
          MigrationTally.runAtOnce(
              IntStream.range(0, count).mapToObj(i -> app(i)).toList(),
              app -> {
                String id =
                    migrations.create(
                        app,
                        RegionmoveTestStack.SOURCE,
                        RegionmoveTestStack.DESTINATION,
                        app,
                        null);
                Migration checked =
                    byQueries
                        ? migrations.awaitPreflight(id, m -> {}, Duration.ofMinutes(60))
                        : watch.await(id, Duration.ofMinutes(60), migrations);
                if (checked.status() != MigrationStatus.PREFLIGHT_SUCCESS) {
                  return checked;
                }
                migrations.prepare(id);
                return migrations.finalize(id);
              });
      int done = tally.done();
      List<String> failures = tally.failures();
      double wall = seconds(start);
      Map<String, Duration> cpuAfter = cpu(measured);
      double machineCpu = (machineJiffies() - machineBefore) / 100.0;
      if (watch != null) {
        watch.close();
      }
      StringBuilder memory = new StringBuilder();
      workers.forEach(
          (name, worker) -> {
            long peak =
                Math.max(
                    peaks.get(name).get(), ProcessMemory.readKb(worker.process().pid(), "VmHWM"));
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
      double total = 0;
      double idleTotal = 0;
      StringBuilder cpuLines = new StringBuilder();
      for (String name : measured.keySet()) {
        double used = (cpuAfter.get(name).toMillis() - cpuBefore.get(name).toMillis()) / 1e3;
        double idleRate =
            (cpuBefore.get(name).toMillis() - idleBefore.get(name).toMillis())
                / 1e3
                / idle.toSeconds();
        total += used;
        idleTotal += idleRate * wall;
        cpuLines.append(
            String.format(
                Locale.ROOT,
                "  %-32s %7.1f CPU-s (idle, %.3f CPU-s/s: %.1f)%n",
                name,
                used,
                idleRate,
                idleRate * wall));
      }
      System.out.printf(
          Locale.ROOT,
          "CPU used during the run:%n%s  %-32s %7.1f CPU-s (%.2f per migration; %.2f without the"
              + " idle share)%n"
              + "  the whole machine (all users)     %7.1f CPU-s of %.1f available (%d cores × wall)%n",
          cpuLines,
          "total of the above",
          total,
          total / count,
          (total - idleTotal) / count,
          machineCpu,
          wall * Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors());
      failures.stream().limit(10).forEach(f -> System.out.println("  failed: " + f));
      if (done != count) {
        System.exit(1);
      }
    }
  }

  /** {@code regionmove worker ARGS} from the shaded jar, started. */
  private static WorkerProcess startWorker(RegionmoveTestStack stack, String... args) {
    return stack
        .startWorkerProcess(WorkerProcess.Launch.regionmoveWorker().withArguments(args))
        .awaitStarted(Duration.ofSeconds(60));
  }

  private static List<ProcessHandle> withDescendants(ProcessHandle process) {
    List<ProcessHandle> all = new ArrayList<>(List.of(process));
    all.addAll(process.descendants().toList());
    return all;
  }

  /** The postmaster listening on {@code port}, found by its command line. */
  private static Optional<ProcessHandle> postmaster(int port) {
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              String line = p.info().commandLine().orElse("");
              return line.contains("/postgres ") && line.contains(" -p " + port + " ");
            })
        .findFirst();
  }

  /**
   * Each group's CPU time (user and system) so far; the processes of a group alive at the first
   * call (a PostgreSQL backend that ended since counts until its last sample).
   */
  private static Map<String, Duration> cpu(Map<String, List<ProcessHandle>> groups) {
    Map<String, Duration> used = new LinkedHashMap<>();
    groups.forEach(
        (name, processes) ->
            used.put(
                name,
                processes.stream()
                    .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                    .reduce(Duration.ZERO, Duration::plus)));
    return used;
  }

  /** The machine's busy time in jiffies (1/100 s): user, nice and system of /proc/stat. */
  private static long machineJiffies() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String app(int i) {
    return String.format(Locale.ROOT, "bench-app-%04d", i);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private ClusterConcurrencyBench() {}
}
