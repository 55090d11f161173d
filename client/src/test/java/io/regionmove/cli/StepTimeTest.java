package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StepTimeTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00.400Z");

  @ParameterizedTest
  @CsvSource({
    "+30s, 2026-11-30T12:00:30Z",
    "+15m, 2026-11-30T12:15:00Z",
    "+2h, 2026-11-30T14:00:00Z",
    "+1d, 2026-12-01T12:00:00Z",
    "+30d, 2026-12-30T12:00:00Z",
    "2026-12-01T02:00:00Z, 2026-12-01T02:00:00Z",
    "2026-12-01T03:00:00+01:00, 2026-12-01T02:00:00Z"
  })
  void acceptsInstantsAndDelaysWithinThirtyDays(String value, String expected) {
    assertEquals(Instant.parse(expected), StepTime.parse(value, NOW));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tomorrow", "2026-12-01T02:00:00", "+5w", "+-3h", "30s", ""})
  void anUnparseableTimeIsAUsageError(String value) {
    CliException e = assertThrows(CliException.class, () -> StepTime.parse(value, NOW));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("is not a time; give an ISO-8601 instant"), e::getMessage);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-30T11:00:00Z", "+0s"})
  void aTimeInThePastIsAUsageError(String value) {
    CliException e = assertThrows(CliException.class, () -> StepTime.parse(value, NOW));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "--at " + value + " is in the past; give a time within the next 30 days.", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+31d", "2027-01-15T00:00:00Z", "+745h"})
  void moreThanThirtyDaysAheadIsAUsageError(String value) {
    CliException e = assertThrows(CliException.class, () -> StepTime.parse(value, NOW));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "--at " + value + " is more than 30 days ahead; give a time within the next 30 days.",
        e.getMessage());
  }

  @Test
  void controlCharactersAreNotEchoed() {
    CliException e = assertThrows(CliException.class, () -> StepTime.parse("a\nb", NOW));
    assertEquals(1, e.getMessage().lines().count());
  }
}
