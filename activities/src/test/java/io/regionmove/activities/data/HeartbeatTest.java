package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.ActivityCanceledException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  private static final Duration INTERVAL = Duration.ofMillis(100);

  private final List<DataProgress> sent = new ArrayList<>();

  @Test
  void heartbeatsTheLatestProgressWhileAToolRuns() throws Exception {
    AtomicLong written = new AtomicLong();
    Heartbeat heartbeat = new Heartbeat(sent::add, INTERVAL);
    ToolProcess tool = shell("sleep 1; exit 3");

    int exit =
        heartbeat.await(
            tool, () -> new DataProgress("pg-1", "dumping", written.addAndGet(1000), 0, 3));

    assertEquals(3, exit);
    assertTrue(sent.size() >= 4, "heartbeats: " + sent.size());
    for (int i = 0; i < sent.size(); i++) {
      // Each heartbeat carries the progress as it was when sent, not the first one again.
      assertEquals((i + 1) * 1000L, sent.get(i).bytes());
      assertEquals("dumping", sent.get(i).stage());
    }
  }

  @Test
  void aCancellationKillsTheRunningToolAndItsChildrenAtOnce() throws Exception {
    AtomicInteger beats = new AtomicInteger();
    Heartbeat heartbeat =
        new Heartbeat(
            progress -> {
              if (beats.incrementAndGet() == 2) {
                throw new ActivityCanceledException();
              }
            },
            INTERVAL);
    ToolProcess tool = shell("sleep 60 & sleep 60; wait");
    ProcessHandle process = ProcessHandle.of(tool.pid()).orElseThrow();
    waitForChildren(process, 2);
    List<ProcessHandle> children = process.descendants().toList();

    long started = System.nanoTime();
    assertThrows(
        ActivityCanceledException.class,
        () -> heartbeat.await(tool, () -> new DataProgress("pg-1", "restoring", 0, 0, 0)));

    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10);
    assertFalse(process.isAlive(), "the tool still runs");
    for (ProcessHandle child : children) {
      assertFalse(child.isAlive(), "its child " + child.pid() + " still runs");
    }
  }

  @Test
  void waitsForBackgroundWorkHeartbeatingMeanwhile() {
    Heartbeat heartbeat = new Heartbeat(sent::add, INTERVAL);
    CompletableFuture<String> work =
        CompletableFuture.supplyAsync(
            () -> {
              sleep(600);
              return "digest";
            });

    String result = heartbeat.await(work, () -> new DataProgress("pg-1", "checking", 0, 0, 0));

    assertEquals("digest", result);
    assertTrue(sent.size() >= 3, "heartbeats: " + sent.size());
  }

  @Test
  void aCancellationStopsBackgroundWork() {
    Heartbeat heartbeat =
        new Heartbeat(
            progress -> {
              throw new ActivityCanceledException();
            },
            INTERVAL);
    CompletableFuture<String> work = new CompletableFuture<>();

    assertThrows(
        ActivityCanceledException.class,
        () -> heartbeat.await(work, () -> new DataProgress("pg-1", "verifying", 0, 0, 0)));
    assertTrue(work.isCancelled());
  }

  @Test
  void aCheckedFailureOfTheWorkIsRetryableAndHidesTheUrl() {
    Heartbeat heartbeat = new Heartbeat(sent::add, INTERVAL);
    CompletableFuture<String> work =
        CompletableFuture.failedFuture(
            new IOException("cannot read postgresql://app:s3cret@10.0.0.1/db"));

    ToolFailedException failure =
        assertThrows(
            ToolFailedException.class,
            () -> heartbeat.await(work, () -> new DataProgress("pg-1", "checking", 0, 0, 0)));
    assertEquals("cannot read postgresql://***", failure.getMessage());
  }

  @Test
  void beatIfDueWaitsForAnIntervalSinceTheLastHeartbeat() throws Exception {
    Heartbeat heartbeat = new Heartbeat(sent::add, Duration.ofMillis(400));
    heartbeat.beatIfDue(() -> new DataProgress("pg-1", "waiting for the backup", 0, 0, 0));
    assertEquals(0, sent.size());
    Thread.sleep(500);
    heartbeat.beatIfDue(() -> new DataProgress("pg-1", "waiting for the backup", 0, 0, 0));
    heartbeat.beatIfDue(() -> new DataProgress("pg-1", "waiting for the backup", 0, 0, 0));
    assertEquals(1, sent.size());
  }

  private static ToolProcess shell(String script) throws IOException {
    Path sh = Path.of("/bin/sh");
    assertTrue(Files.isExecutable(sh));
    return ToolProcess.start(sh, List.of("-c", script), Map.of(), List.of(), null);
  }

  private static void waitForChildren(ProcessHandle process, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (process.descendants().count() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(count, process.descendants().count());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
