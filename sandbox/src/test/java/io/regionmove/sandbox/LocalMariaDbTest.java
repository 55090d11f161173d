package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.sandbox.mysql.LocalMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMariaDbTest {

  @TempDir Path dir;

  @Test
  void aSecondStartAdoptsTheRunningServerAndStopEndsIt() throws Exception {
    LocalMariaDb first = LocalMariaDb.start(dir);
    try {
      assertTrue(first.startedHere());
      try (Connection c = first.server().connect(null);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT @@bind_address, @@character_set_server, @@version, @@socket")) {
        rs.next();
        assertEquals("127.0.0.1", rs.getString(1));
        assertEquals("utf8mb4", rs.getString(2));
        assertTrue(rs.getString(3).startsWith("10.11"), rs.getString(3));
        assertTrue(rs.getString(4).startsWith(dir.toAbsolutePath().toString()), rs.getString(4));
        s.execute("CREATE DATABASE kept");
      }

      LocalMariaDb second = LocalMariaDb.start(dir);
      assertFalse(second.startedHere(), "the running server is adopted");
      assertEquals(first.server(), second.server());
      second.close(); // closing an adopted server leaves it running
      try (Connection c = first.server().connect("kept")) {
        assertTrue(c.isValid(5));
      }
    } finally {
      first.stop();
    }
    assertThrows(SQLException.class, () -> first.server().connect(null).close());
    assertFalse(Files.exists(dir.resolve("data/mariadbd.pid")), "mariadbd removed its pid file");

    LocalMariaDb again = LocalMariaDb.start(dir);
    try (Connection c = again.server().connect("kept")) {
      assertTrue(c.isValid(5), "a restarted server keeps its databases");
    } finally {
      again.close();
    }
  }
}
