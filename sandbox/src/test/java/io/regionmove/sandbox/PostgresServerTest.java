package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.regionmove.sandbox.postgres.PostgresServer;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  @Test
  void urlsRoundTripWithAwkwardPasswords() {
    PostgresServer server = new PostgresServer("127.0.0.1", 5433, "postgres", null);
    String url = server.url("db_1", "user one", "p@ss:w/rd+%");
    assertEquals("postgresql://user%20one:p%40ss%3Aw%2Frd%2B%25@127.0.0.1:5433/db_1", url);
    PostgresServer parsed = PostgresServer.fromUrl(url);
    assertEquals(new PostgresServer("127.0.0.1", 5433, "user one", "p@ss:w/rd+%"), parsed);
    assertEquals("db_1", PostgresServer.databaseOf(url));
    assertEquals("jdbc:postgresql://127.0.0.1:5433/db_1", server.jdbcUrl("db_1"));
  }

  @Test
  void fromUrlDefaultsPortAndUserAndRejectsOtherSchemes() {
    PostgresServer server = PostgresServer.fromUrl("postgres://db.internal");
    assertEquals(5432, server.port());
    assertEquals("postgres", server.user());
    assertNull(server.password());
    assertThrows(IllegalArgumentException.class, () -> PostgresServer.fromUrl("mysql://x/y"));
  }
}
