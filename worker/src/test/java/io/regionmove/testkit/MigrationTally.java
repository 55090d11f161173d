package io.regionmove.testkit;

import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many of the benchmarks' migrations ended done, and why each of the others did not.
 *
 * @param failures one line per migration that did not end done
 */
public record MigrationTally(int done, List<String> failures) {

  /** One migration of the benchmark, from start to its end. */
  @FunctionalInterface
  public interface Run {
    Migration migrate(String app) throws Exception;
  }

  /** Runs {@code run} for every app at once, each on its own thread; waits for all and counts. */
  public static MigrationTally runAtOnce(List<String> apps, Run run) throws InterruptedException {
    ExecutorService drivers = Executors.newFixedThreadPool(apps.size());
    try {
      List<Future<Migration>> runs = new ArrayList<>();
      for (String app : apps) {
        runs.add(drivers.submit(() -> run.migrate(app)));
      }
      return of(runs);
    } finally {
      drivers.shutdownNow();
    }
  }

  /** Waits for every run and counts them. */
  public static MigrationTally of(List<Future<Migration>> runs) throws InterruptedException {
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
    return new MigrationTally(done, List.copyOf(failures));
  }
}
