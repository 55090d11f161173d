package io.regionmove.worker;

import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.testkit.SandboxProbe;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes like the app would, at a steady rate, until closed: before each transaction it asks the
 * router which region serves the app (200 in the source; 308 to the destination, which answers 200
 * once started; 503 while stopped) and writes to that region's database, with the database URL that
 * region gives the app. A transaction inserts a row with a client-made id and a {@code ticket} from
 * the database's sequence, and updates a row it wrote earlier in the same region. Only transactions
 * whose commit the database acknowledged count as written.
 */
final class AppWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AppWriter.class);

  /** The table the writer writes to, made in the source before the migration. */
  static final String TABLE =
      "CREATE TABLE writes (id bigint PRIMARY KEY, ticket bigserial, region text NOT NULL,"
          + " at timestamptz NOT NULL DEFAULT now(), touched int NOT NULL DEFAULT 0)";

  /** One acknowledged write. */
  record Ack(long id, String region, long nanos) {}

  private final SandboxRegion source;
  private final SandboxRegion destination;
  private final String app;
  private final long periodNanos;
  private final Thread thread;
  private final List<Ack> acks = new ArrayList<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unserved = new AtomicLong();
  private final Map<String, String> urls = new HashMap<>();
  private final Map<String, Connection> connections = new HashMap<>();
  private volatile boolean running = true;

  AppWriter(SandboxRegion source, SandboxRegion destination, String app, int perSecond) {
    this.source = source;
    this.destination = destination;
    this.app = app;
    this.periodNanos = 1_000_000_000L / perSecond;
    this.thread = new Thread(this::run, "app-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    Random random = new Random(7);
    long id = 0;
    long next = System.nanoTime();
    Map<String, List<Long>> written = new HashMap<>();
    while (running) {
      long now = System.nanoTime();
      if (now < next) {
        sleepNanos(next - now);
      }
      next += periodNanos;
      SandboxRegion serving = serving();
      if (serving == null) {
        unserved.incrementAndGet();
        continue;
      }
      String region = serving.name();
      try {
        Connection c = connection(serving);
        long mine = ++id;
        List<Long> earlier = written.computeIfAbsent(region, r -> new ArrayList<>());
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO writes (id, region) VALUES (?, ?)");
            PreparedStatement touch =
                c.prepareStatement("UPDATE writes SET touched = touched + 1 WHERE id = ?")) {
          insert.setLong(1, mine);
          insert.setString(2, region);
          insert.executeUpdate();
          if (!earlier.isEmpty()) {
            touch.setLong(1, earlier.get(random.nextInt(earlier.size())));
            touch.executeUpdate();
          }
          c.commit();
        }
        earlier.add(mine);
        synchronized (acks) {
          acks.add(new Ack(mine, region, System.nanoTime()));
        }
      } catch (SQLException e) {
        refused.incrementAndGet();
        forget(region);
      }
    }
    connections.keySet().stream().toList().forEach(this::forget);
  }

  /** The region whose router serves the app now; null while none does. */
  private SandboxRegion serving() {
    try {
      HttpResponse<String> answer = SandboxProbe.routerGet(source.routerUrl(app));
      if (answer.statusCode() == 200) {
        return source;
      }
      if (answer.statusCode() == 308
          && SandboxProbe.routerGet(destination.routerUrl(app)).statusCode() == 200) {
        return destination;
      }
    } catch (RuntimeException e) {
      log.debug("router: {}", e.getMessage());
    }
    return null;
  }

  private Connection connection(SandboxRegion region) throws SQLException {
    Connection c = connections.get(region.name());
    if (c == null) {
      String url = urls.computeIfAbsent(region.name(), r -> SandboxProbe.databaseUrl(region, app));
      c = LiveProbe.connect(url);
      c.setAutoCommit(false);
      connections.put(region.name(), c);
    }
    return c;
  }

  private void forget(String region) {
    Connection c = connections.remove(region);
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone already
      }
    }
  }

  List<Ack> acks() {
    synchronized (acks) {
      return List.copyOf(acks);
    }
  }

  long refused() {
    return refused.get();
  }

  /**
   * From the last write the source acknowledged to the first the destination did; null unless both
   * happened.
   */
  Duration unavailability() {
    List<Ack> all = acks();
    long lastSource = -1;
    long firstDestination = -1;
    for (Ack ack : all) {
      if (ack.region().equals(source.name())) {
        lastSource = Math.max(lastSource, ack.nanos());
      } else if (firstDestination < 0) {
        firstDestination = ack.nanos();
      }
    }
    return lastSource < 0 || firstDestination < 0
        ? null
        : Duration.ofNanos(firstDestination - lastSource);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }

  static void createTable(String sourceUrl) throws SQLException {
    try (Connection c = LiveProbe.connect(sourceUrl);
        Statement s = c.createStatement()) {
      s.execute(TABLE);
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
