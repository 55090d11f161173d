package io.regionmove.activities.data.live;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes to the source as an app would, until stopped: each transaction inserts an event and moves
 * a balance between two accounts. Remembers the ids of the events whose commit was acknowledged;
 * writes refused (the database frozen) are counted, never retried against it.
 */
final class SourceWriter implements AutoCloseable {

  private final String url;
  private final Thread thread;
  private final List<Long> acknowledged = new ArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean running = true;

  SourceWriter(String url) {
    this.url = url;
    this.thread = new Thread(this::write, "source-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void write() {
    Random random = new Random(42);
    while (running) {
      try (Connection c = LiveRegionsFixture.connect(url)) {
        c.setAutoCommit(false);
        while (running) {
          long id;
          try (PreparedStatement insert =
                  c.prepareStatement(
                      "insert into events (account, payload) values (?, '{\"by\":\"writer\"}')"
                          + " returning id");
              PreparedStatement move =
                  c.prepareStatement("update accounts set balance = balance + ? where id = ?")) {
            int account = 1 + random.nextInt(2000);
            insert.setInt(1, account % 100);
            try (ResultSet rs = insert.executeQuery()) {
              rs.next();
              id = rs.getLong(1);
            }
            move.setBigDecimal(1, java.math.BigDecimal.ONE);
            move.setInt(2, account);
            move.executeUpdate();
            c.commit();
          }
          synchronized (acknowledged) {
            acknowledged.add(id);
          }
          Thread.sleep(3);
        }
      } catch (SQLException e) {
        refused.incrementAndGet();
        sleep();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<Long> acknowledged() {
    synchronized (acknowledged) {
      return List.copyOf(acknowledged);
    }
  }

  int refused() {
    return refused.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
