package io.regionmove.regionapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  record Stamp(String name, Instant at) {}

  @Test
  void writesInstantsAsIsoStringsAndReadsThemBack() throws JsonProcessingException {
    Stamp stamp = new Stamp("a", Instant.parse("2030-01-02T03:04:05.123Z"));

    String json = Json.mapper().writeValueAsString(stamp);

    assertEquals("{\"name\":\"a\",\"at\":\"2030-01-02T03:04:05.123Z\"}", json);
    assertEquals(stamp, Json.mapper().readValue(json, Stamp.class));
  }

  @Test
  void ignoresPropertiesItDoesNotKnow() throws JsonProcessingException {
    assertEquals(
        new Stamp("a", null),
        Json.mapper().readValue("{\"name\":\"a\",\"added_later\":true}", Stamp.class));
  }

  @Test
  void thePrettyWriterIndentsOneFieldALine() throws JsonProcessingException {
    assertEquals(
        "{" + System.lineSeparator() + "  \"a\" : 1" + System.lineSeparator() + "}",
        Json.pretty().writeValueAsString(Map.of("a", 1)));
  }
}
