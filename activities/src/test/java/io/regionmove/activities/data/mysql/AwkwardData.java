package io.regionmove.activities.data.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A MySQL database full of what a restore gets wrong: utf8mb4 text with emoji, JSON, BLOBs with
 * every byte value, DECIMAL(30,10), DATETIME(6) and TIMESTAMP(6), FLOAT, BIT, SET, ENUM, virtual
 * and stored generated columns, foreign keys, a table without a primary key holding duplicate rows,
 * a view, a trigger, a procedure, a function, an event, a sequence, and AUTO_INCREMENT counters
 * ahead of the largest id. Made by the addon's own user, as an app would.
 */
final class AwkwardData {

  /** Rows per table after {@link #create}. */
  static final Map<String, Long> ROWS =
      Map.of(
          "customers", 1990L,
          "blobs", 3L,
          "events", 20000L,
          "audit_log", 2000L,
          "no_pk", 6L,
          "invoice_numbers", 1L);

  static final long TOTAL_ROWS = ROWS.values().stream().mapToLong(Long::longValue).sum();

  private AwkwardData() {}

  static void create(PrivateMariaDb db, String url) throws SQLException {
    try (Connection c = db.connect(url);
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE customers (
            id INT AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            email VARCHAR(200) NOT NULL UNIQUE,
            profile JSON,
            balance DECIMAL(30,10) NOT NULL,
            created_at DATETIME(6) NOT NULL,
            seen_at TIMESTAMP(6) NULL,
            score DOUBLE,
            ratio FLOAT,
            flags SET('a','b','c'),
            tier ENUM('free','pro') NOT NULL DEFAULT 'free',
            bits BIT(10),
            born DATE,
            wakes TIME(3),
            display VARCHAR(420) AS (CONCAT(name, ' <', email, '>')) VIRTUAL,
            name_length INT AS (CHAR_LENGTH(name)) STORED,
            KEY by_created (created_at),
            CONSTRAINT positive_length CHECK (name_length > 0)
          ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""");
      s.execute(
          """
          CREATE TABLE audit_log (
            id INT AUTO_INCREMENT PRIMARY KEY,
            customer_id INT NOT NULL,
            what VARCHAR(50) NOT NULL,
            at TIMESTAMP(6) NOT NULL DEFAULT '2024-01-01 00:00:00')""");
      s.execute(
          """
          CREATE TABLE blobs (
            id BIGINT AUTO_INCREMENT PRIMARY KEY,
            customer_id INT NOT NULL,
            data LONGBLOB,
            small VARBINARY(256),
            CONSTRAINT blobs_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
              ON DELETE CASCADE)""");
      s.execute(
          """
          CREATE TABLE events (
            id BIGINT AUTO_INCREMENT PRIMARY KEY,
            customer_id INT NOT NULL,
            kind VARCHAR(20) NOT NULL,
            payload JSON,
            at DATETIME(6) NOT NULL,
            CONSTRAINT events_customer FOREIGN KEY (customer_id) REFERENCES customers (id))""");
      s.execute("CREATE TABLE no_pk (a INT, b TEXT)");
      s.execute("CREATE SEQUENCE invoice_numbers START WITH 1000");
      s.execute(
          """
          CREATE TRIGGER customers_audit AFTER INSERT ON customers FOR EACH ROW
            INSERT INTO audit_log (customer_id, what) VALUES (NEW.id, 'created')""");
      s.execute(
          """
          CREATE VIEW rich_customers AS
            SELECT id, name, balance FROM customers WHERE balance > 1000""");
      s.execute(
          """
          CREATE PROCEDURE add_event(IN c INT, IN k VARCHAR(20))
          BEGIN
            INSERT INTO events (customer_id, kind, at) VALUES (c, k, NOW(6));
          END""");
      s.execute(
          """
          CREATE FUNCTION balance_of(c INT) RETURNS DECIMAL(30,10) READS SQL DATA
            RETURN (SELECT balance FROM customers WHERE id = c)""");
      s.execute(
          """
          CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'
            DO DELETE FROM audit_log WHERE at < NOW() - INTERVAL 1 YEAR""");

      s.execute(
          """
          INSERT INTO customers
            (name, email, profile, balance, created_at, seen_at, score, ratio, flags, tier, bits,
             born, wakes)
          SELECT CONCAT(IF(seq % 7 = 0, 'Zoë Ångström 🎉 ', 'Customer '), seq, IF(seq % 11 = 0, ' 中文 \\n\\t''q''', '')),
                 CONCAT('c', seq, '@example.com'),
                 IF(seq % 5 = 0, NULL, JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('a', 'é', '😀'), 'ok', seq % 2 = 0)),
                 seq * 1234567.0123456789 - 1000000,
                 TIMESTAMP('2024-02-29 12:34:56.123456') + INTERVAL seq SECOND + INTERVAL seq MICROSECOND,
                 IF(seq % 3 = 0, NULL, FROM_UNIXTIME(1700000000 + seq, '%Y-%m-%d %H:%i:%s.%f')),
                 seq / 7e0,
                 seq / 4,
                 ELT(1 + seq % 4, '', 'a', 'a,b', 'a,b,c'),
                 IF(seq % 2 = 0, 'pro', 'free'),
                 seq % 1024,
                 DATE('1950-01-01') + INTERVAL seq DAY,
                 SEC_TO_TIME(seq * 37.125)
            FROM seq_1_to_2000""");
      // Deleted rows leave the counter ahead of max(id).
      s.execute("DELETE FROM customers WHERE id > 1990");
      s.execute("DELETE FROM audit_log WHERE customer_id > 1990");
      s.execute(
          """
          INSERT INTO audit_log (customer_id, what, at)
            SELECT seq, 'seen', TIMESTAMP('2024-06-01') + INTERVAL seq MINUTE FROM seq_1_to_10""");
      s.execute(
          """
          INSERT INTO events (customer_id, kind, payload, at)
          SELECT 1 + seq % 1990, ELT(1 + seq % 3, 'login', 'purchase', 'refund'),
                 JSON_OBJECT('i', seq, 'amount', seq * 0.01),
                 TIMESTAMP('2024-01-01') + INTERVAL seq * 13 SECOND + INTERVAL seq MICROSECOND
            FROM seq_1_to_20000""");
      s.execute("ALTER TABLE events AUTO_INCREMENT = 50000");
      s.execute(
          "INSERT INTO no_pk VALUES (1, 'same'), (1, 'same'), (2, NULL), (NULL, ''), (3, 'x'),"
              + " (3, 'x')");
      s.execute("SELECT NEXTVAL(invoice_numbers), NEXTVAL(invoice_numbers)");
    }
    try (Connection c = db.connect(url);
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO blobs (customer_id, data, small) VALUES (?, ?, ?)")) {
      byte[] every = new byte[256];
      for (int i = 0; i < 256; i++) {
        every[i] = (byte) i;
      }
      byte[] large = new byte[3 << 20];
      new java.util.Random(7).nextBytes(large);
      ps.setInt(1, 7);
      ps.setBytes(2, every);
      ps.setBytes(3, every.clone());
      ps.executeUpdate();
      ps.setInt(1, 14);
      ps.setBytes(2, large);
      ps.setBytes(3, new byte[0]);
      ps.executeUpdate();
      ps.setInt(1, 21);
      ps.setBytes(2, null);
      ps.setBytes(3, null);
      ps.executeUpdate();
    }
  }
}
