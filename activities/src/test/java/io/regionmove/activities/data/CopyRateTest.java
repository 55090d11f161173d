package io.regionmove.activities.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopyRateTest {

  @Test
  void measuredFigureIsTheDefaultAndTheVariableOverridesIt() {
    assertEquals(CopyRate.MEASURED, CopyRate.from(Map.of()));
    assertEquals(Duration.ofSeconds(18), CopyRate.MEASURED.perGigabyte());
    assertEquals(
        Duration.ofMillis(7500), CopyRate.from(Map.of(CopyRate.VARIABLE, "7.5")).perGigabyte());
  }

  @Test
  void timeIsProportionalToTheSizeAndRoundedUp() {
    CopyRate rate = new CopyRate(Duration.ofSeconds(18));
    assertEquals(Duration.ofSeconds(18), rate.timeFor(1L << 30));
    assertEquals(Duration.ofSeconds(36), rate.timeFor(2L << 30));
    assertEquals(Duration.ofSeconds(1), rate.timeFor(8 * 1024 * 1024));
    assertEquals(Duration.ZERO, rate.timeFor(0));
  }

  @Test
  void aValueThatIsNotAPositiveNumberIsRefusedWithASentence() {
    for (String bad : new String[] {"fast", "0", "-3"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> CopyRate.from(Map.of(CopyRate.VARIABLE, bad)));
      assertTrue(
          e.getMessage()
              .equals(
                  CopyRate.VARIABLE
                      + " is '"
                      + bad
                      + "', which is not a positive number of seconds, such as 18."),
          e.getMessage());
    }
  }
}
