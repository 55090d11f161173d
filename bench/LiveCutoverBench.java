import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Step;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.WorkflowStub;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live cutover against the stop-and-copy data step, on the real stack (Temporal dev server, two
 * sandbox regions each with its own PostgreSQL cluster, a worker), for bench/live-cutover.sh.
 *
 * <p>A pgbench database of the size asked is made once in the source cluster as a template. Each
 * run gives a new app a copy of it, then migrates the app while a writer behaves like the app: it
 * runs pgbench's TPC-B transaction at the rate asked against whichever region's database the router
 * serves. Write-unavailability is from the last transaction the source acknowledged to the first
 * the destination did. Live runs: {@code data-live}, 5 s of replication, {@code finalize}. Stop and
 * copy runs: {@code data} then {@code finalize}. The hand-run {@code pg_dump -Fc | pg_restore} of
 * the template from one cluster to the other gives the copy's anchor.
 *
 * <p>Arguments: sizeGb txPerSecond runs pgBinDir. Prints key=value lines.
 */
public class LiveCutoverBench {

  private static final String SOURCE = RegionmoveTestStack.SOURCE;
  private static final String DESTINATION = RegionmoveTestStack.DESTINATION;
  private static final String TEMPLATE = "bench_template";

  public static void main(String[] args) throws Exception {
    double sizeGb = Double.parseDouble(args[0]);
    int tps = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    Path bin = Path.of(args[3]);
    int scale = Math.max(1, (int) Math.round(sizeGb * 70));
    RegionmoveTestStack stack = RegionmoveTestStack.onDevServer().start("live-bench");
    try {
      stack.startWorker();
      PostgresServer source = stack.postgres(SOURCE);
      PostgresServer destination = stack.postgres(DESTINATION);
      long t = System.nanoTime();
      pgbench(bin, source, scale);
      try (Connection c = source.connect(TEMPLATE);
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE pgbench_history ADD COLUMN hid bigserial PRIMARY KEY");
        s.execute("VACUUM ANALYZE");
      }
      print("template_s", seconds(t));
      print("template_size", queryOne(source, TEMPLATE, "SELECT pg_size_pretty(pg_database_size(current_database()))"));

      // The anchor: the hand-run pipe, from one cluster to the other.
      try (Connection c = destination.connect("postgres");
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE bench_hand");
      }
      t = System.nanoTime();
      handPipe(bin, source, destination);
      print("hand_pipe_s", seconds(t));
      try (Connection c = destination.connect("postgres");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE bench_hand");
      }

      for (int run = 1; run <= runs; run++) {
        for (String mode : List.of("live", "stop")) {
          String app = "bench-" + mode + "-" + run;
          Result r = migrate(stack, bin, app, mode.equals("live"), tps);
          print(mode + "_unavailable_s_" + run, String.format(Locale.ROOT, "%.3f", r.unavailable));
          print(mode + "_acks_" + run, Long.toString(r.acks));
          print(mode + "_missing_" + run, Long.toString(r.missing));
          if (r.copySeconds >= 0) {
            print("live_copy_s_" + run, String.format(Locale.ROOT, "%.1f", r.copySeconds));
          }
          for (String line : r.steps) {
            print(mode + "_step_" + run, line);
          }
        }
      }
    } finally {
      stack.close();
    }
  }

  private record Result(
      double unavailable, long acks, long missing, double copySeconds, List<String> steps) {}

  private static Result migrate(
      RegionmoveTestStack stack, Path bin, String app, boolean live, int tps) throws Exception {
    stack.seedSourceApp(app, 10);
    String url = SandboxProbe.databaseUrl(stack.source(), app);
    giveTemplate(stack.postgres(SOURCE), url);
    AppMigrationWorkflow migration = stack.startMigration(app);
    RegionmoveTestStack.awaitPreflightSuccess(migration);
    check(migration.prepare(), MigrationStatus.PREPARED);
    Writer writer = new Writer(stack.source(), stack.destination(), app, tps);
    Migration done;
    try {
      sleep(2_000);
      if (live) {
        check(migration.dataLive(), MigrationStatus.DATA_REPLICATING);
        sleep(5_000);
      } else {
        check(migration.data(), MigrationStatus.DATA_MIGRATED);
      }
      done = check(migration.finalizeMigration(), MigrationStatus.DONE);
      sleep(2_000);
    } finally {
      writer.stop();
    }
    String destinationUrl = SandboxProbe.databaseUrl(stack.destination(), app);
    long missing = writer.missingIn(destinationUrl);
    double copy = -1;
    List<String> steps = new ArrayList<>();
    Pattern copied = Pattern.compile("in ([0-9.]+) s$");
    for (Step step : done.steps()) {
      if (step.phase() == Phase.FINALIZE || step.phase() == Phase.DATA) {
        long ms = Duration.between(step.startedAt(), step.finishedAt()).toMillis();
        steps.add(ms + " ms " + step.name());
        if (step.name().startsWith("Check ") || step.name().startsWith("Make the database")) {
          step.logs().forEach(l -> steps.add("    " + l));
        }
      }
      for (String log : step.logs()) {
        Matcher m = copied.matcher(log);
        if (log.startsWith("Copied addon") && m.find()) {
          copy = Double.parseDouble(m.group(1));
        }
      }
    }
    WorkflowStub.fromTyped(migration).terminate("benchmark run over");
    for (SandboxRegion region : List.of(stack.source(), stack.destination())) {
      SandboxProbe.regionSend(region, "DELETE", "/v1/apps/" + app + "/migrating", null);
      SandboxProbe.regionSend(region, "DELETE", "/v1/apps/" + app, null);
    }
    return new Result(writer.unavailable(), writer.acks(), missing, copy, steps);
  }

  /** The app's addon database becomes a copy of the template, owned by the addon's role. */
  private static void giveTemplate(PostgresServer server, String url) throws SQLException {
    String database = PostgresServer.databaseOf(url);
    String role = PostgresServer.fromUrl(url).user();
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database
              + "'");
      s.execute("DROP DATABASE \"" + database + "\"");
      s.execute("CREATE DATABASE \"" + database + "\" TEMPLATE " + TEMPLATE + " OWNER \"" + role + "\"");
      s.execute("REVOKE CONNECT ON DATABASE \"" + database + "\" FROM PUBLIC");
    }
    try (Connection c = server.connect(database);
        Statement s = c.createStatement()) {
      s.execute(
          "DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS name FROM pg_class c"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
              + " AND c.relkind IN ('r', 'S') LOOP EXECUTE format('ALTER TABLE %s OWNER TO \"" + role
              + "\"', r.name); END LOOP; END $$");
    }
  }

  private static Migration check(Migration m, MigrationStatus expected) {
    if (m.status() != expected) {
      throw new IllegalStateException("expected " + expected + ", got " + m.status() + ": " + m.errors());
    }
    return m;
  }

  /** pgbench's TPC-B transaction at a steady rate against the database the router serves. */
  private static final class Writer {
    private final SandboxRegion source;
    private final SandboxRegion destination;
    private final String app;
    private final long period;
    private final Thread thread;
    private final List<long[]> acks = new ArrayList<>();
    private final AtomicLong historyId = new AtomicLong(-1);
    private volatile boolean running = true;
    private final int branches;
    private int failures;

    Writer(SandboxRegion source, SandboxRegion destination, String app, int tps) throws SQLException {
      this.source = source;
      this.destination = destination;
      this.app = app;
      this.period = 1_000_000_000L / tps;
      String url = SandboxProbe.databaseUrl(source, app);
      try (Connection c = connect(url);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_branches")) {
        rs.next();
        branches = rs.getInt(1);
      }
      thread = new Thread(this::run, "bench-writer");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      Random random = new Random(1);
      Connection c = null;
      String connectedTo = null;
      String serving = null;
      long servingCheckedAt = 0;
      long next = System.nanoTime();
      while (running) {
        long now = System.nanoTime();
        if (now < next) {
          sleepNanos(next - now);
        }
        next = Math.max(next + period, System.nanoTime() - 10 * period);
        // A running app keeps its connection; it asks the router again when the database fails
        // it, and every 50 ms (as requests reach the region the router sends them to).
        if (serving == null || System.nanoTime() - servingCheckedAt > 50_000_000L) {
          serving = serving();
          servingCheckedAt = System.nanoTime();
        }
        if (serving == null) {
          next = System.nanoTime() + 5_000_000L;
          continue;
        }
        try {
          if (!serving.equals(connectedTo)) {
            close(c);
            SandboxRegion region = serving.equals(SOURCE) ? source : destination;
            c = connect(SandboxProbe.databaseUrl(region, app));
            c.setAutoCommit(false);
            connectedTo = serving;
          }
          int bid = 1 + random.nextInt(branches);
          int tid = 1 + random.nextInt(branches * 10);
          int aid = 1 + random.nextInt(branches * 100_000);
          int delta = random.nextInt(10_001) - 5_000;
          long hid;
          try (Statement s = c.createStatement()) {
            s.execute("UPDATE pgbench_accounts SET abalance = abalance + " + delta + " WHERE aid = " + aid);
            s.execute("UPDATE pgbench_tellers SET tbalance = tbalance + " + delta + " WHERE tid = " + tid);
            s.execute("UPDATE pgbench_branches SET bbalance = bbalance + " + delta + " WHERE bid = " + bid);
            try (ResultSet rs =
                s.executeQuery(
                    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ("
                        + tid + ", " + bid + ", " + aid + ", " + delta + ", now()) RETURNING hid")) {
              rs.next();
              hid = rs.getLong(1);
            }
          }
          c.commit();
          synchronized (acks) {
            acks.add(new long[] {System.nanoTime(), serving.equals(SOURCE) ? 0 : 1, hid});
          }
        } catch (SQLException e) {
          if (failures++ < 3) {
            System.err.println("writer: " + serving + ": " + e.getMessage());
          }
          close(c);
          c = null;
          connectedTo = null;
          serving = null;
        }
      }
      close(c);
    }

    private String serving() {
      try {
        HttpResponse<String> answer = SandboxProbe.routerGet(source.routerUrl(app));
        if (answer.statusCode() == 200) {
          return SOURCE;
        }
        if (answer.statusCode() == 308
            && SandboxProbe.routerGet(destination.routerUrl(app)).statusCode() == 200) {
          return DESTINATION;
        }
      } catch (RuntimeException e) {
        // no answer: nobody serves
      }
      return null;
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(30_000);
    }

    long acks() {
      synchronized (acks) {
        return acks.size();
      }
    }

    double unavailable() {
      long lastSource = -1;
      long firstDestination = -1;
      synchronized (acks) {
        for (long[] a : acks) {
          if (a[1] == 0) {
            lastSource = Math.max(lastSource, a[0]);
          } else if (firstDestination < 0) {
            firstDestination = a[0];
          }
        }
      }
      return (firstDestination - lastSource) / 1e9;
    }

    /** Acknowledged history rows the destination lacks. */
    long missingIn(String destinationUrl) throws SQLException {
      List<Long> ids = new ArrayList<>();
      synchronized (acks) {
        for (long[] a : acks) {
          ids.add(a[2]);
        }
      }
      try (Connection c = connect(destinationUrl);
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM unnest(?::bigint[]) AS h(hid)"
                      + " WHERE NOT EXISTS (SELECT 1 FROM pgbench_history p WHERE p.hid = h.hid)")) {
        ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
  }

  private static void handPipe(Path bin, PostgresServer from, PostgresServer to) throws Exception {
    ProcessBuilder dump =
        new ProcessBuilder(bin.resolve("pg_dump").toString(), "-Fc", "-h", from.host(), "-p",
            Integer.toString(from.port()), "-U", from.user(), TEMPLATE);
    ProcessBuilder restore =
        new ProcessBuilder(bin.resolve("pg_restore").toString(), "-h", to.host(), "-p",
            Integer.toString(to.port()), "-U", to.user(), "-d", "bench_hand")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    dump.redirectError(ProcessBuilder.Redirect.INHERIT);
    List<Process> pipe = ProcessBuilder.startPipeline(List.of(dump, restore));
    for (Process p : pipe) {
      if (p.waitFor() != 0) {
        throw new IllegalStateException("the hand-run pipe failed: exit " + p.exitValue());
      }
    }
  }

  /** {@code pgbench -i -s SCALE} into the template database (data generated server-side). */
  private static void pgbench(Path bin, PostgresServer server, int scale) throws Exception {
    try (Connection c = server.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + TEMPLATE);
    }
    Process p =
        new ProcessBuilder(
                bin.resolve("pgbench").toString(),
                "-h",
                server.host(),
                "-p",
                Integer.toString(server.port()),
                "-U",
                server.user(),
                "-q",
                "-i",
                "-s",
                Integer.toString(scale),
                "-I",
                "dtGvp",
                TEMPLATE)
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("pgbench -i failed: exit " + p.exitValue());
    }
  }

  private static String queryOne(PostgresServer server, String db, String sql) throws SQLException {
    try (Connection c = server.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Connection connect(String url) throws SQLException {
    return PostgresServer.fromUrl(url).connect(PostgresServer.databaseOf(url));
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone
      }
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void print(String key, Object value) {
    System.out.println(key + "=" + value);
    System.out.flush();
  }

  private static void print(String key, double value) {
    print(key, String.format(Locale.ROOT, "%.2f", value));
  }

  private static void sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
