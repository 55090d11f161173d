package io.regionmove.sandbox.mysql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * The sample data of a mysql addon: customers (10% of the rows), orders (60%) and events (the
 * rest), with what a migration must keep: utf8mb4 text with emoji, JSON, BLOBs, DECIMAL(30,10),
 * DATETIME(6), a virtual and a stored generated column, foreign keys, a view, a trigger, a
 * procedure, a function and AUTO_INCREMENT counters ahead of the largest id.
 */
public final class MySqlSampleData {

  private MySqlSampleData() {}

  /** Fills the addon's database; left as it is when it already holds exactly {@code rows} rows. */
  public static void fill(String url, int rows) {
    MariaDbServer server = MariaDbServer.fromUrl(url);
    try (Connection c =
        server.connect(MariaDbServer.databaseOf(url), server.user(), server.password())) {
      if (count(c) == rows) {
        return;
      }
      try (Statement s = c.createStatement()) {
        for (String drop :
            new String[] {
              "DROP VIEW IF EXISTS big_customers",
              "DROP PROCEDURE IF EXISTS add_event",
              "DROP FUNCTION IF EXISTS order_total",
              "DROP TABLE IF EXISTS events, orders, customers"
            }) {
          s.execute(drop);
        }
        s.execute(
            """
            CREATE TABLE customers (
              id INT AUTO_INCREMENT PRIMARY KEY,
              name VARCHAR(200) NOT NULL,
              email VARCHAR(200) NOT NULL UNIQUE,
              profile JSON,
              balance DECIMAL(30,10) NOT NULL,
              signed_up_at DATETIME(6) NOT NULL,
              name_length INT AS (CHAR_LENGTH(name)) STORED
            ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""");
        s.execute(
            """
            CREATE TABLE orders (
              id BIGINT AUTO_INCREMENT PRIMARY KEY,
              customer_id INT NOT NULL,
              amount DECIMAL(30,10) NOT NULL,
              quantity SMALLINT NOT NULL,
              total DECIMAL(30,10) AS (amount * quantity) VIRTUAL,
              placed_at DATETIME(6) NOT NULL,
              note VARCHAR(200),
              receipt BLOB,
              CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
            ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""");
        s.execute(
            """
            CREATE TABLE events (
              id BIGINT AUTO_INCREMENT PRIMARY KEY,
              kind VARCHAR(20) NOT NULL,
              payload JSON NOT NULL,
              score DOUBLE NOT NULL,
              happened_at DATETIME(6) NOT NULL
            ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""");
        s.execute(
            "CREATE VIEW big_customers AS SELECT id, name, balance FROM customers"
                + " WHERE balance > 5000");
        s.execute(
            """
            CREATE PROCEDURE add_event(IN k VARCHAR(20))
              INSERT INTO events (kind, payload, score, happened_at)
                VALUES (k, JSON_OBJECT('kind', k), 0, NOW(6))""");
        s.execute(
            """
            CREATE FUNCTION order_total(o BIGINT) RETURNS DECIMAL(30,10) READS SQL DATA
              RETURN (SELECT total FROM orders WHERE id = o)""");
      }
      c.setAutoCommit(false);
      insert(c, rows);
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        // Counters ahead of max(id), as deleted rows leave them, and a trigger created last so
        // that seeding does not fire it.
        s.execute("ALTER TABLE customers AUTO_INCREMENT = 100000");
        s.execute("ALTER TABLE orders AUTO_INCREMENT = 500000");
        s.execute(
            """
            CREATE TRIGGER orders_positive BEFORE INSERT ON orders FOR EACH ROW
              SET NEW.quantity = GREATEST(NEW.quantity, 1)""");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not fill the sample mysql database: " + e.getMessage(), e);
    }
  }

  /** Rows over the three sample tables; 0 when they are not there. */
  public static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                    + " AND TABLE_NAME IN ('customers', 'orders', 'events')")) {
      rs.next();
      if (rs.getInt(1) < 3) {
        return 0;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM orders)"
                    + " + (SELECT COUNT(*) FROM events)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void insert(Connection c, int rows) throws SQLException {
    int customers = Math.max(1, rows / 10);
    int orders = rows * 6 / 10;
    int events = rows - customers - orders;
    Random random = new Random(42);
    LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO customers (id, name, email, profile, balance, signed_up_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (int i = 1; i <= customers; i++) {
        ps.setInt(1, i);
        ps.setString(2, "Customer " + i + (i % 7 == 0 ? " — Zoë Ångström 🎉" : ""));
        ps.setString(3, "customer" + i + "@example.com");
        ps.setString(
            4,
            i % 5 == 0
                ? null
                : "{\"tier\": "
                    + (i % 3)
                    + ", \"tags\": [\"b2"
                    + (i % 2 == 0 ? "b" : "c")
                    + "\"]}");
        ps.setBigDecimal(5, BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000L, 10));
        ps.setTimestamp(6, Timestamp.valueOf(start.plusNanos(random.nextLong(1L << 50) * 1000)));
        ps.addBatch();
        if (i % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO orders (id, customer_id, amount, quantity, placed_at, note, receipt)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 1; i <= orders; i++) {
        ps.setLong(1, i);
        ps.setInt(2, 1 + random.nextInt(customers));
        ps.setBigDecimal(3, BigDecimal.valueOf(100 + random.nextInt(500_000), 2));
        ps.setShort(4, (short) (1 + random.nextInt(20)));
        ps.setTimestamp(5, Timestamp.valueOf(start.plusNanos(random.nextLong(1L << 50) * 1000)));
        ps.setString(6, i % 4 == 0 ? null : "note " + i);
        byte[] receipt = new byte[i % 3 == 0 ? 0 : 16];
        random.nextBytes(receipt);
        ps.setBytes(7, i % 5 == 0 ? null : receipt);
        ps.addBatch();
        if (i % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
    String[] kinds = {"login", "logout", "purchase", "refund", "error"};
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events (id, kind, payload, score, happened_at) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 1; i <= events; i++) {
        String kind = kinds[random.nextInt(kinds.length)];
        ps.setLong(1, i);
        ps.setString(2, kind);
        ps.setString(
            3,
            "{\"kind\": \""
                + kind
                + "\", \"n\": "
                + i
                + ", \"items\": ["
                + random.nextInt(100)
                + ", "
                + random.nextInt(100)
                + "]}");
        ps.setDouble(4, random.nextGaussian() * 100);
        ps.setTimestamp(5, Timestamp.valueOf(start.plusNanos(random.nextLong(1L << 50) * 1000)));
        ps.addBatch();
        if (i % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }
}
