package io.regionmove.activities.data.live;

import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import io.regionmove.activities.data.postgres.PostgresTools;
import io.regionmove.activities.data.postgres.PostgresUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the source at a slot's exported snapshot into the destination, schema and data: {@code
 * pg_dump --snapshot | pg_restore}, as fast as the hand-run pipe. Replication then starts from the
 * slot, exactly where the snapshot ends. The destination is first cleaned of what an interrupted
 * attempt left ({@code --clean --if-exists}); publications and subscriptions are not copied.
 */
final class InitialCopy {

  private static final Logger log = LoggerFactory.getLogger(InitialCopy.class);

  private final PostgresTools tools;
  private final ExecutorService executor;

  InitialCopy(PostgresTools tools, ExecutorService executor) {
    this.tools = tools;
    this.executor = executor;
  }

  /**
   * @return the bytes of archive piped from pg_dump to pg_restore
   */
  long run(
      PostgresUrl source,
      PostgresUrl destination,
      String snapshot,
      String addonId,
      int tables,
      Heartbeat heartbeat) {
    if (tools == null) {
      throw LiveFailures.refused(
          "pg_dump and pg_restore were not found on this worker: install the PostgreSQL client"
              + " (apt-get install postgresql-client) or set "
              + PostgresTools.BIN_VARIABLE
              + ", then run the data step again");
    }
    AtomicInteger restored = new AtomicInteger();
    AtomicLong copied = new AtomicLong();
    ToolProcess dump = null;
    ToolProcess restore = null;
    Future<Void> pipe = null;
    try {
      dump =
          tools.startPiped(
              "pg_dump",
              List.of(
                  "--format=custom",
                  "--compress=0",
                  "--snapshot=" + snapshot,
                  "--no-publications",
                  "--no-subscriptions",
                  "--verbose"),
              source.libpqEnvironment(),
              null);
      Map<String, String> env = new HashMap<>(destination.libpqEnvironment());
      env.put("PGOPTIONS", DataOptions.DEFAULT_RESTORE_SETTINGS);
      restore =
          tools.start(
              "pg_restore",
              List.of(
                  "--dbname=dbname=" + Sql.literal(destination.database()),
                  "--no-owner",
                  "--no-acl",
                  "--clean",
                  "--if-exists",
                  "--exit-on-error",
                  "--verbose"),
              env,
              line -> {
                if (line.contains("processing data for table")) {
                  restored.incrementAndGet();
                }
              });
      InputStream from = dump.stdout();
      OutputStream to = restore.stdin();
      pipe =
          executor.submit(
              () -> {
                byte[] buffer = new byte[1 << 16];
                try (from;
                    to) {
                  int n;
                  while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, n);
                    copied.addAndGet(n);
                  }
                }
                return null;
              });
      log.info("pg_dump (pid {}) | pg_restore (pid {}) started", dump.pid(), restore.pid());
      int restoreExit =
          heartbeat.await(
              restore,
              () ->
                  new DataProgress(
                      addonId, "copying at the snapshot", copied.get(), restored.get(), tables));
      if (restoreExit != 0) {
        throw new ToolFailedException(
            "pg_restore failed (exit status " + restoreExit + "): " + restore.lastErrors());
      }
      // pg_restore has read the archive to its end, so pg_dump has written it all.
      int dumpExit = dump.await(heartbeat.interval(), () -> {});
      if (dumpExit != 0) {
        throw new ToolFailedException(
            "pg_dump failed (exit status " + dumpExit + "): " + dump.lastErrors());
      }
      return copied.get();
    } catch (IOException e) {
      throw new ToolFailedException("could not run pg_dump and pg_restore: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while copying");
    } finally {
      if (pipe != null) {
        pipe.cancel(true);
      }
      stopIfRunning(restore);
      stopIfRunning(dump);
    }
  }

  private static void stopIfRunning(ToolProcess tool) {
    if (tool != null && ProcessHandle.of(tool.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      tool.kill();
    }
  }
}
