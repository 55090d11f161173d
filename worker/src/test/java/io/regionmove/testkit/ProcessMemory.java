package io.regionmove.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A process's memory as Linux reports it in {@code /proc/PID/status}, for the benchmarks. */
public final class ProcessMemory {

  private ProcessMemory() {}

  /** Keeps {@code peakKb} at the process's peak resident set (VmHWM) until interrupted. */
  public static void samplePeak(long pid, AtomicLong peakKb) {
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
  public static long readKb(long pid, String field) {
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
}
