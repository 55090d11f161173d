package io.regionmove.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionsTest {

  @TempDir Path dir;

  @Test
  void readsTheRegionsFile() throws Exception {
    Path file = dir.resolve("regions.json");
    Files.writeString(
        file,
        """
        {"regions":[
          {"name":"agora-fr1","api_url":"http://127.0.0.1:8701/","token":"t1","router_url":"http://agora-fr1.localhost:8701"},
          {"name":"osc-fr1","api_url":"http://127.0.0.1:8702","token":"t2","router_url":"http://osc-fr1.localhost:8702"}
        ]}
        """);

    Regions regions = Regions.fromEnvironment(Map.of(Regions.ENV, file.toString()));

    assertEquals(List.of("agora-fr1", "osc-fr1"), regions.names());
    RegionConfig agora = regions.get("agora-fr1");
    assertEquals("http://127.0.0.1:8701", agora.apiUrl());
    assertEquals("t1", agora.token());
    assertEquals("agora-fr1.localhost", agora.routerHost());
    assertFalse(agora.toString().contains("t1"), "toString must not show the token");
  }

  @Test
  void writesAFileItReadsBack() {
    Regions regions =
        Regions.of(
            new RegionConfig(
                "agora-fr1", "http://127.0.0.1:8701", "t1", "http://agora-fr1.localhost:8701"));
    Path file = dir.resolve("sub/regions.json");
    regions.write(file);
    assertEquals(regions.all(), Regions.load(file).all());
  }

  @Test
  void unsetVariableSaysWhatToSet() {
    RegionsConfigException e =
        assertThrows(RegionsConfigException.class, () -> Regions.fromEnvironment(Map.of()));
    assertTrue(e.getMessage().startsWith("REGIONMOVE_REGIONS is not set"), e.getMessage());
  }

  @Test
  void missingFileIsOneSentence() {
    Path file = dir.resolve("nope.json");
    RegionsConfigException e = assertThrows(RegionsConfigException.class, () -> Regions.load(file));
    assertEquals(
        "The regions file " + file + " does not exist; check REGIONMOVE_REGIONS.", e.getMessage());
  }

  @Test
  void malformedFileNamesTheFileAndTheExpectedShape() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"regions\": [ {\"name\": \"agora-fr1\", ");
    RegionsConfigException e = assertThrows(RegionsConfigException.class, () -> Regions.load(file));
    assertTrue(
        e.getMessage().startsWith("The regions file " + file + " is not valid"), e.getMessage());
    assertTrue(e.getMessage().contains("\"regions\""), e.getMessage());
  }

  @Test
  void entryWithoutTokenIsRefused() throws Exception {
    Path file = dir.resolve("notoken.json");
    Files.writeString(
        file, "{\"regions\":[{\"name\":\"agora-fr1\",\"api_url\":\"http://127.0.0.1:1\"}]}");
    RegionsConfigException e = assertThrows(RegionsConfigException.class, () -> Regions.load(file));
    assertEquals("Region entry #1 of the regions file " + file + " has no token.", e.getMessage());
  }

  @Test
  void unknownRegionNamesTheKnownOnes() {
    Regions regions = Regions.of(new RegionConfig("agora-fr1", "http://127.0.0.1:8701", "t", null));
    UnknownRegionException e =
        assertThrows(UnknownRegionException.class, () -> regions.get("osc-fr1"));
    assertEquals(
        "Region osc-fr1 is not configured; the known regions are agora-fr1.", e.getMessage());
    assertTrue(regions.find("osc-fr1").isEmpty());
  }
}
