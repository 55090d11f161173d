package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  private static final List<String> POSTGRES = List.of("postgresql", "postgres");

  @Test
  void splitsEveryPartAndDecodesThem() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "postgres://app%40team:p+ss%2Fw%3Ard@db.example:6543/my%20db?sslmode=require&x=1",
            POSTGRES);

    assertEquals("db.example", url.host());
    assertEquals(6543, url.port());
    assertEquals("app@team", url.user());
    assertEquals("p+ss/w:rd", url.password());
    assertEquals("my db", url.database());
    assertEquals(Map.of("sslmode", "require", "x", "1"), url.params());
  }

  @Test
  void aMissingPortOrPasswordIsAbsent() {
    DatabaseUrl url = DatabaseUrl.parse("mysql://root@127.0.0.1/shop", List.of("mysql"));

    assertEquals(-1, url.port());
    assertEquals("root", url.user());
    assertNull(url.password());
  }

  @Test
  void refusalsNeverQuoteTheUrl() {
    String secret = "s3cret-password";
    IllegalArgumentException noDatabase =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatabaseUrl.parse("postgresql://u:" + secret + "@h:5432/", POSTGRES));
    IllegalArgumentException otherScheme =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatabaseUrl.parse("redis://u:" + secret + "@h:6379/0", POSTGRES));
    IllegalArgumentException malformed =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatabaseUrl.parse("postgresql://u:" + secret + "@h:5432/d b", POSTGRES));

    assertEquals("the postgresql:// URL names no database", noDatabase.getMessage());
    assertEquals("not a postgresql:// URL", otherScheme.getMessage());
    assertEquals("malformed postgresql:// URL", malformed.getMessage());
    for (Exception e : List.of(noDatabase, otherScheme, malformed)) {
      assertFalse(e.getMessage().contains(secret));
    }
    assertFalse(
        DatabaseUrl.parse("postgres://u:" + secret + "@h/d", POSTGRES).toString().contains(secret));
  }
}
