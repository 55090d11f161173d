package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerMainTest {

  @Test
  void regionsComeFromACommaSeparatedFlag() {
    assertEquals(Set.of(), WorkerMain.parseRegions(new String[0]));
    assertEquals(
        List.of("agora-fr1", "osc-fr1"),
        List.copyOf(WorkerMain.parseRegions(new String[] {"--regions", "agora-fr1, osc-fr1"})));
    assertEquals(Set.of("osc-fr1"), WorkerMain.parseRegions(new String[] {"--regions=osc-fr1"}));
  }

  @Test
  void aMissingValueOrAnUnknownArgumentIsAUsageError() {
    assertThrows(
        IllegalArgumentException.class, () -> WorkerMain.parseRegions(new String[] {"--regions"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> WorkerMain.parseRegions(new String[] {"--region", "x"}));
  }
}
