package io.regionmove.activities.data;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.FailureType;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves PostgreSQL addon data with pg_dump and pg_restore, through a {@link BackupStore}.
 *
 * <p>Every method is idempotent: a backup that is already complete is returned as it is, a restore
 * cleans whatever an interrupted attempt left before restoring again, a verification only reads.
 * Long calls heartbeat a {@link DataProgress}; when the activity is cancelled the heartbeat throws,
 * and the running tool and its children are killed at once, its partial output deleted. Database
 * URLs and passwords never appear in results, logs or failure messages.
 */
public final class DataActivitiesImpl implements DataActivities {

  private static final Logger log = LoggerFactory.getLogger(DataActivitiesImpl.class);

  private final AddonDatabases databases;
  private final BackupStore store;
  private final PostgresTools tools;
  private final DataOptions options;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "regionmove-data");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param pgBinDir directory of pg_dump and pg_restore; null to find them ({@link
   *     PostgresTools#locate()}); when none are found, each call fails with a sentence saying how
   *     to install them
   */
  public DataActivitiesImpl(
      AddonDatabases databases, BackupStore store, Path pgBinDir, DataOptions options) {
    this.databases = Objects.requireNonNull(databases, "databases");
    this.store = Objects.requireNonNull(store, "store");
    this.tools =
        pgBinDir == null ? PostgresTools.locate().orElse(null) : PostgresTools.in(pgBinDir);
    this.options = options == null ? DataOptions.defaults() : options;
  }

  /** Finds the PostgreSQL tools and uses {@link DataOptions#defaults()}. */
  public DataActivitiesImpl(AddonDatabases databases, BackupStore store) {
    this(databases, store, null, DataOptions.defaults());
  }

  @Override
  public BackupResult backupAddon(AddonInput input) {
    requireDatabaseAddon(input);
    ActivityExecutionContext context = Activity.getExecutionContext();
    String backupId = BackupStore.backupId(input.move().migrationId(), input.addon().id());
    try {
      Optional<BackupManifest> existing = store.manifest(backupId);
      if (existing.isPresent()) {
        String sha =
            awaitHeartbeating(
                context,
                executor.submit(() -> ArchiveDigest.sha256(store.open(backupId))),
                () ->
                    new DataProgress(
                        input.addon().id(),
                        "checking backup",
                        existing.get().sizeBytes(),
                        0,
                        existing.get().tables().size()));
        if (sha.equals(existing.get().sha256())) {
          BackupManifest manifest = existing.get();
          return new BackupResult(
              backupId,
              manifest.sizeBytes(),
              manifest.tables().size(),
              List.of(
                  String.format(
                      Locale.ROOT,
                      "Backup of addon %s already complete (%d tables, %,d rows, %s), kept",
                      input.addon().id(),
                      manifest.tables().size(),
                      manifest.rows(),
                      bytes(manifest.sizeBytes()))));
        }
        log.warn("backup {} does not match its manifest; making it again", backupId);
      }
      // A complete but damaged backup, or what a crashed attempt left half-written.
      store.delete(backupId);
      return dump(context, input, backupId);
    } catch (IOException e) {
      throw new ToolFailedException("backup store: " + PostgresUrl.redact(e.toString()));
    }
  }

  private BackupResult dump(ActivityExecutionContext context, AddonInput input, String backupId)
      throws IOException {
    PostgresTools tools = requireTools();
    PostgresUrl url =
        PostgresUrl.parse(databases.sourceUrl(input.move().sourceApp(), input.addon()));
    long started = System.nanoTime();
    Path staging = store.stage(backupId);
    Path archive = staging.resolve(options.format().entryName());
    boolean published = false;
    try (DatabaseInspector snapshotSession = connect(url)) {
      String snapshot = snapshotSession.exportSnapshot();
      List<TableName> tables = snapshotSession.tables();
      String serverVersion = snapshotSession.serverVersion();

      List<String> args = new ArrayList<>();
      args.add("--format=" + options.format().flag());
      args.add("--file=" + archive);
      args.add("--compress=" + options.compression());
      args.add("--snapshot=" + snapshot);
      args.add("--verbose");
      if (options.format() == DumpFormat.DIRECTORY && options.jobs() > 1) {
        args.add("--jobs=" + options.jobs());
      }
      Map<String, String> env = new HashMap<>(url.libpqEnvironment());
      env.put("PGOPTIONS", options.dumpSettings());
      AtomicInteger dumped = new AtomicInteger();
      ToolProcess pgDump =
          ToolProcess.start(
              tools,
              "pg_dump",
              args,
              env,
              line -> {
                if (line.contains("dumping contents of table")) {
                  dumped.incrementAndGet();
                }
              });
      log.info("pg_dump (pid {}) started for backup {}", pgDump.pid(), backupId);
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  input.addon().id(),
                  "dumping",
                  ArchiveDigest.size(archive),
                  dumped.get(),
                  tables.size());

      // Rows are counted in pg_dump's own snapshot while it runs, for the manifest.
      snapshotSession.withoutParallelWorkers();
      Future<Map<String, Long>> counting =
          executor.submit(
              () -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (TableName table : tables) {
                  counts.put(table.toString(), snapshotSession.countRows(table));
                }
                return counts;
              });
      Map<String, Long> rowCounts;
      try {
        int exit =
            pgDump.await(options.heartbeatInterval(), () -> context.heartbeat(progress.get()));
        if (exit != 0) {
          throw toolFailed("pg_dump", exit, pgDump);
        }
        rowCounts = awaitHeartbeating(context, counting, progress);
      } catch (RuntimeException | Error e) {
        snapshotSession.cancel();
        counting.cancel(true);
        throw e;
      }

      String sha256 =
          awaitHeartbeating(
              context,
              executor.submit(() -> ArchiveDigest.sha256(archive)),
              () ->
                  new DataProgress(
                      input.addon().id(),
                      "checking backup",
                      ArchiveDigest.size(archive),
                      tables.size(),
                      tables.size()));
      long size = ArchiveDigest.size(archive);
      BackupManifest manifest =
          new BackupManifest(
              backupId,
              options.format(),
              size,
              sha256,
              tables.stream().map(TableName::toString).toList(),
              rowCounts,
              serverVersion,
              java.time.Instant.now());
      store.put(backupId, archive, manifest);
      published = true;
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info(
          "backup {} complete: {} tables, {} bytes in {}", backupId, tables.size(), size, took);
      return new BackupResult(
          backupId,
          size,
          tables.size(),
          List.of(
              String.format(
                  Locale.ROOT,
                  "Backed up addon %s: %d tables, %,d rows, %s in %.1f s",
                  input.addon().id(),
                  tables.size(),
                  manifest.rows(),
                  bytes(size),
                  took.toMillis() / 1000.0)));
    } catch (SQLException e) {
      throw new ToolFailedException("source database: " + PostgresUrl.redact(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while dumping for backup " + backupId);
    } finally {
      if (!published) {
        store.discard(staging);
      }
    }
  }

  @Override
  public StepResult deleteBackup(AddonInput input) {
    String backupId = BackupStore.backupId(input.move().migrationId(), input.addon().id());
    try {
      boolean deleted = store.delete(backupId);
      return StepResult.of(
          deleted
              ? "Deleted the backup of addon " + input.addon().id()
              : "No backup of addon " + input.addon().id() + " to delete");
    } catch (IOException e) {
      throw new ToolFailedException("backup store: " + PostgresUrl.redact(e.toString()));
    }
  }

  @Override
  public StepResult restoreAddon(RestoreInput input) {
    AddonInput addon = input.addon();
    requireDatabaseAddon(addon);
    PostgresTools tools = requireTools();
    ActivityExecutionContext context = Activity.getExecutionContext();
    String backupId =
        input.backupId() != null
            ? input.backupId()
            : BackupStore.backupId(addon.move().migrationId(), addon.addon().id());
    long started = System.nanoTime();
    try {
      Optional<BackupManifest> complete = store.manifest(backupId);
      if (complete.isEmpty() && input.whileBackingUp()) {
        Optional<ArchiveFollower> growing =
            awaitBackupStarted(context, backupId, addon.addon().id());
        if (growing.isPresent()) {
          return restoreFollowing(context, tools, addon, backupId, growing.get(), started);
        }
        complete = store.manifest(backupId);
      }
      BackupManifest manifest =
          complete.orElseThrow(
              () ->
                  ApplicationFailure.newNonRetryableFailure(
                      "No complete backup "
                          + backupId
                          + " of addon "
                          + addon.addon().id()
                          + " exists; run the data step again to make one",
                      FailureType.BACKUP_INVALID.name()));
      Path archive = store.open(backupId);
      int tableCount = manifest.tables().size();
      String sha256 =
          awaitHeartbeating(
              context,
              executor.submit(() -> ArchiveDigest.sha256(archive)),
              () ->
                  new DataProgress(
                      addon.addon().id(), "checking backup", manifest.sizeBytes(), 0, tableCount));
      if (!sha256.equals(manifest.sha256())) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Backup "
                + backupId
                + " of addon "
                + addon.addon().id()
                + " is damaged: its SHA-256 differs from its manifest; run the data step again to make a new one",
            FailureType.BACKUP_INVALID.name());
      }

      PostgresUrl url = PostgresUrl.parse(databases.destinationUrl(addon.move(), addon.addon()));
      int leftovers = prepareDestination(url, backupId);
      List<String> args = restoreArguments(url);
      if (options.jobs() > 1) {
        args.add("--jobs=" + options.jobs());
      }
      args.add(archive.toString());
      AtomicInteger restored = new AtomicInteger();
      ToolProcess pgRestore = startRestore(tools, url, args, restored, backupId);
      int exit =
          pgRestore.await(
              options.heartbeatInterval(),
              () ->
                  context.heartbeat(
                      new DataProgress(
                          addon.addon().id(),
                          "restoring",
                          manifest.sizeBytes(),
                          restored.get(),
                          tableCount)));
      if (exit != 0) {
        throw toolFailed("pg_restore", exit, pgRestore);
      }
      return restoreResult(
          leftovers,
          String.format(
              Locale.ROOT,
              "Restored addon %s: %d tables, %,d rows from a %s backup in %.1f s",
              addon.addon().id(),
              tableCount,
              manifest.rows(),
              bytes(manifest.sizeBytes()),
              secondsSince(started)));
    } catch (IOException e) {
      throw new ToolFailedException("backup store: " + PostgresUrl.redact(e.toString()));
    } catch (SQLException e) {
      throw new ToolFailedException("destination database: " + PostgresUrl.redact(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while restoring backup " + backupId);
    }
  }

  /**
   * Waits, heartbeating, until the backup is complete (empty) or an attempt is writing an archive
   * this restore can follow (opened).
   */
  private Optional<ArchiveFollower> awaitBackupStarted(
      ActivityExecutionContext context, String backupId, String addonId)
      throws IOException, InterruptedException {
    long lastBeat = System.nanoTime();
    long deadline = System.nanoTime() + options.backupStartWait().toNanos();
    while (true) {
      Optional<ArchiveFollower> growing = ArchiveFollower.open(store, backupId, options.format());
      if (growing.isPresent()) {
        return growing;
      }
      if (store.manifest(backupId).isPresent()) {
        return Optional.empty();
      }
      if (System.nanoTime() - deadline > 0) {
        throw ApplicationFailure.newNonRetryableFailure(
            "No backup of addon "
                + addonId
                + " appeared in "
                + store
                + " within "
                + options.backupStartWait().toMinutes()
                + " min: is the source region's worker running,"
                + " and do both regions' workers share "
                + DirectoryBackupStore.ROOT_VARIABLE
                + "? Then run the data step again",
            FailureType.BACKUP_INVALID.name());
      }
      if (System.nanoTime() - lastBeat >= options.heartbeatInterval().toNanos()) {
        context.heartbeat(new DataProgress(addonId, "waiting for the backup", 0, 0, 0));
        lastBeat = System.nanoTime();
      }
      Thread.sleep(100);
    }
  }

  /**
   * Restores while the backup is being written: pg_restore reads the archive from its standard
   * input as it grows. pg_restore cannot run parallel jobs on a stream; it gains more by
   * overlapping the whole dump. The archive stays in the backup store, so a retry that finds the
   * backup complete restores it the usual way, in parallel.
   */
  private StepResult restoreFollowing(
      ActivityExecutionContext context,
      PostgresTools tools,
      AddonInput addon,
      String backupId,
      ArchiveFollower follower,
      long started)
      throws IOException, SQLException, InterruptedException {
    AtomicInteger restored = new AtomicInteger();
    int leftovers;
    ToolProcess pgRestore;
    try {
      PostgresUrl url = PostgresUrl.parse(databases.destinationUrl(addon.move(), addon.addon()));
      leftovers = prepareDestination(url, backupId);
      pgRestore = startRestore(tools, url, restoreArguments(url), restored, backupId);
    } catch (IOException | SQLException | RuntimeException e) {
      follower.close();
      throw e;
    }
    Future<Void> following =
        executor.submit(
            () -> {
              follower.copyTo(pgRestore.stdin());
              return null;
            });
    int exit;
    try {
      exit =
          pgRestore.await(
              options.heartbeatInterval(),
              () ->
                  context.heartbeat(
                      new DataProgress(
                          addon.addon().id(),
                          "restoring while backing up",
                          follower.copied(),
                          restored.get(),
                          0)));
    } finally {
      // pg_restore has what it needs once it has read the last table's data; the end of the
      // archive is not needed, nor is the follower.
      following.cancel(true);
      follower.close();
    }
    if (exit != 0) {
      Optional<Throwable> followFailure = failureOf(following);
      if (followFailure.orElse(null)
          instanceof ArchiveFollower.BackupRestartedException restarted) {
        throw new ToolFailedException(restarted.getMessage() + "; restoring again");
      }
      throw toolFailed("pg_restore", exit, pgRestore);
    }
    return restoreResult(
        leftovers,
        String.format(
            Locale.ROOT,
            "Restored addon %s while it was backed up: %d tables, %s of archive followed, in %.1f s",
            addon.addon().id(),
            restored.get(),
            bytes(follower.copied()),
            secondsSince(started)));
  }

  private static Optional<Throwable> failureOf(Future<?> future) {
    if (!future.isDone() || future.isCancelled()) {
      return Optional.empty();
    }
    try {
      future.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.ofNullable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Ends sessions a killed attempt's pg_restore left on the destination database (they would keep
   * writing), and tells how many tables an earlier attempt left there.
   */
  private static int prepareDestination(PostgresUrl url, String backupId) throws SQLException {
    try (DatabaseInspector destination = connect(url)) {
      int orphans = destination.endOtherSessions();
      if (orphans > 0) {
        log.warn(
            "Ended {} leftover sessions in the destination addon before restoring {}",
            orphans,
            backupId);
      }
      return destination.tables().size();
    }
  }

  /** pg_restore's arguments, but the archive (a file, or none to read standard input). */
  private static List<String> restoreArguments(PostgresUrl url) {
    // --clean --if-exists drops whatever an interrupted attempt restored before creating
    // each object again, so a retry starts from a clean destination.
    List<String> args = new ArrayList<>();
    args.add("--dbname=" + conninfoDatabase(url.database()));
    args.add("--no-owner");
    args.add("--no-acl");
    args.add("--clean");
    args.add("--if-exists");
    args.add("--exit-on-error");
    args.add("--verbose");
    return args;
  }

  private ToolProcess startRestore(
      PostgresTools tools,
      PostgresUrl url,
      List<String> args,
      AtomicInteger restored,
      String backupId)
      throws IOException {
    Map<String, String> env = new HashMap<>(url.libpqEnvironment());
    env.put("PGOPTIONS", options.restoreSettings());
    ToolProcess pgRestore =
        ToolProcess.start(
            tools,
            "pg_restore",
            args,
            env,
            line -> {
              if (line.contains("processing data for table")) {
                restored.incrementAndGet();
              }
            });
    log.info("pg_restore (pid {}) started for backup {}", pgRestore.pid(), backupId);
    return pgRestore;
  }

  /** A restore's result: what an earlier attempt left and was cleaned, then {@code line}. */
  private static StepResult restoreResult(int leftovers, String line) {
    List<String> logs = new ArrayList<>();
    if (leftovers > 0) {
      logs.add("Cleaned " + leftovers + " tables an earlier attempt left in the destination addon");
    }
    logs.add(line);
    return new StepResult(logs);
  }

  private static double secondsSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000.0;
  }

  @Override
  public VerifyResult verifyAddon(AddonInput input) {
    requireDatabaseAddon(input);
    ActivityExecutionContext context = Activity.getExecutionContext();
    PostgresUrl sourceUrl =
        PostgresUrl.parse(databases.sourceUrl(input.move().sourceApp(), input.addon()));
    PostgresUrl destinationUrl =
        PostgresUrl.parse(databases.destinationUrl(input.move(), input.addon()));
    long started = System.nanoTime();
    try (DatabaseInspector source = connect(sourceUrl);
        DatabaseInspector destination = connect(destinationUrl)) {
      List<TableName> sourceTables = source.tables();
      List<TableName> destinationTables = destination.tables();
      TreeSet<String> differing = new TreeSet<>();
      TreeSet<TableName> common = new TreeSet<>(sourceTables);
      common.retainAll(destinationTables);
      sourceTables.stream()
          .filter(t -> !common.contains(t))
          .forEach(t -> differing.add(t.toString()));
      destinationTables.stream()
          .filter(t -> !common.contains(t))
          .forEach(t -> differing.add(t.toString()));

      // Shown at once, not after the first interval: a small database is verified in less.
      context.heartbeat(new DataProgress(input.addon().id(), "verifying", 0, 0, common.size()));
      // Both sides are read at the same time, one session each: the destination against the
      // source as it is now, so a write to the source after the dump is caught too.
      AtomicInteger doneSource = new AtomicInteger();
      AtomicInteger doneDestination = new AtomicInteger();
      List<TableName> tables = List.copyOf(common);
      Future<Map<TableName, TableFingerprint>> sourceSide =
          executor.submit(() -> fingerprints(source, tables, doneSource));
      Future<Map<TableName, TableFingerprint>> destinationSide =
          executor.submit(() -> fingerprints(destination, tables, doneDestination));
      Map<TableName, TableFingerprint> sourcePrints;
      Map<TableName, TableFingerprint> destinationPrints;
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  input.addon().id(),
                  "verifying",
                  0,
                  Math.min(doneSource.get(), doneDestination.get()),
                  tables.size());
      try {
        sourcePrints = awaitHeartbeating(context, sourceSide, progress);
        destinationPrints = awaitHeartbeating(context, destinationSide, progress);
      } catch (RuntimeException | Error e) {
        source.cancel();
        destination.cancel();
        sourceSide.cancel(true);
        destinationSide.cancel(true);
        throw e;
      }
      long rows = 0;
      for (TableName table : tables) {
        TableFingerprint a = sourcePrints.get(table);
        TableFingerprint b = destinationPrints.get(table);
        if (a.rows() != b.rows() || a.checksum().compareTo(b.checksum()) != 0) {
          differing.add(table.toString());
          log.warn(
              "table {} differs: {} rows on the source, {} on the destination",
              table,
              a.rows(),
              b.rows());
        }
        rows += a.rows();
      }
      Map<String, Long> sourceSequences = source.sequences();
      Map<String, Long> destinationSequences = destination.sequences();
      TreeSet<String> differingSequences = new TreeSet<>();
      for (String name : union(sourceSequences.keySet(), destinationSequences.keySet())) {
        if (!sourceSequences.containsKey(name)
            || !destinationSequences.containsKey(name)
            || !Objects.equals(sourceSequences.get(name), destinationSequences.get(name))) {
          differingSequences.add(name);
        }
      }
      if (!differing.isEmpty() || !differingSequences.isEmpty()) {
        StringBuilder message =
            new StringBuilder(
                "The data of addon " + input.addon().id() + " differs after the restore");
        if (!differing.isEmpty()) {
          message.append(" in tables: ").append(String.join(", ", differing));
        }
        if (!differingSequences.isEmpty()) {
          message
              .append(differing.isEmpty() ? " in" : "; and in")
              .append(" sequences: ")
              .append(String.join(", ", differingSequences));
        }
        throw ApplicationFailure.newNonRetryableFailure(
            message.toString(), FailureType.VERIFICATION_FAILED.name());
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new VerifyResult(
          tables.size(),
          rows,
          List.of(
              String.format(
                  Locale.ROOT,
                  "Verified addon %s: %d tables, %,d rows and %d sequences equal on both sides in %.1f s",
                  input.addon().id(),
                  tables.size(),
                  rows,
                  sourceSequences.size(),
                  took.toMillis() / 1000.0)));
    } catch (SQLException e) {
      throw new ToolFailedException("verification: " + PostgresUrl.redact(e.getMessage()));
    }
  }

  private static Map<TableName, TableFingerprint> fingerprints(
      DatabaseInspector side, List<TableName> tables, AtomicInteger done) throws SQLException {
    Map<TableName, TableFingerprint> prints = new HashMap<>();
    for (TableName table : tables) {
      prints.put(table, side.fingerprint(table));
      done.incrementAndGet();
    }
    return prints;
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Waits for background work, heartbeating meanwhile; a cancellation (the heartbeat throws)
   * interrupts the work and goes on.
   */
  private <T> T awaitHeartbeating(
      ActivityExecutionContext context, Future<T> future, Supplier<DataProgress> progress) {
    try {
      while (true) {
        try {
          return future.get(options.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          context.heartbeat(progress.get());
        }
      }
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      ToolFailedException failure =
          new ToolFailedException(PostgresUrl.redact(String.valueOf(cause.getMessage())));
      failure.initCause(cause instanceof SQLException ? null : cause);
      throw failure;
    } catch (RuntimeException | Error e) {
      future.cancel(true);
      throw e;
    }
  }

  private static DatabaseInspector connect(PostgresUrl url) throws SQLException {
    return DatabaseInspector.connect(url);
  }

  private RuntimeException toolFailed(String program, int exit, ToolProcess process) {
    String detail = process.lastErrors();
    String message = program + " failed (exit status " + exit + "): " + detail;
    if (detail.contains("server version mismatch")) {
      return ApplicationFailure.newNonRetryableFailure(
          message + "; install a " + program + " at least as new as the server",
          FailureType.INVALID_REQUEST.name());
    }
    return new ToolFailedException(message);
  }

  private PostgresTools requireTools() {
    if (tools == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "pg_dump and pg_restore were not found on this worker: install the PostgreSQL client"
              + " (apt-get install postgresql-client) or set "
              + PostgresTools.BIN_VARIABLE
              + ", then run the data step again",
          FailureType.INVALID_REQUEST.name());
    }
    return tools;
  }

  private static void requireDatabaseAddon(AddonInput input) {
    if (input == null
        || input.move() == null
        || input.addon() == null
        || !input.addon().holdsData()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Only postgresql addons hold data to move", FailureType.INVALID_REQUEST.name());
    }
  }

  /**
   * pg_restore's --dbname takes a connection string: quote the name so no character surprises it.
   */
  private static String conninfoDatabase(String database) {
    return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String bytes(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
  }
}
