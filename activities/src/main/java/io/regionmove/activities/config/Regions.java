package io.regionmove.activities.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.regionapi.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regions a worker or the CLI can reach, read from the JSON file named by {@value #ENV}:
 *
 * <pre>{"regions":[{"name":"agora-fr1","api_url":"...","token":"...","router_url":"..."}]}</pre>
 */
public final class Regions {

  /** The environment variable naming the regions file. */
  public static final String ENV = "REGIONMOVE_REGIONS";

  private final Map<String, RegionConfig> byName;

  private Regions(Map<String, RegionConfig> byName) {
    this.byName = byName;
  }

  public static Regions of(List<RegionConfig> regions) {
    Map<String, RegionConfig> byName = new LinkedHashMap<>();
    for (RegionConfig region : regions) {
      validate(region, "the given regions");
      if (byName.putIfAbsent(region.name(), region) != null) {
        throw new RegionsConfigException("region " + region.name() + " is listed twice.");
      }
    }
    return new Regions(byName);
  }

  public static Regions of(RegionConfig... regions) {
    return of(List.of(regions));
  }

  /** Reads the file named by {@value #ENV}. */
  public static Regions fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static Regions fromEnvironment(Map<String, String> env) {
    String file = env.get(ENV);
    if (file == null || file.isBlank()) {
      throw new RegionsConfigException(
          ENV
              + " is not set; set it to a regions file such as the .regionmove/regions.json"
              + " that `regionmove dev` writes.");
    }
    return load(Path.of(file));
  }

  public static Regions load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new RegionsConfigException(
          "The regions file " + file + " does not exist; check " + ENV + ".", e);
    } catch (IOException e) {
      throw new RegionsConfigException(
          "The regions file " + file + " cannot be read (" + e.getMessage() + ").", e);
    }
    RegionsFile parsed;
    try {
      parsed = Json.mapper().readValue(text, RegionsFile.class);
    } catch (JsonProcessingException e) {
      throw new RegionsConfigException(
          "The regions file "
              + file
              + " is not valid: "
              + e.getOriginalMessage()
              + " at line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + "; it should look like {\"regions\":[{\"name\",\"api_url\",\"token\",\"router_url\"}]}.",
          e);
    }
    if (parsed == null || parsed.regions() == null || parsed.regions().isEmpty()) {
      throw new RegionsConfigException(
          "The regions file " + file + " lists no region under \"regions\".");
    }
    Map<String, RegionConfig> byName = new LinkedHashMap<>();
    int index = 0;
    for (RegionConfig region : parsed.regions()) {
      index++;
      if (region == null) {
        throw new RegionsConfigException(
            "Region entry #" + index + " of the regions file " + file + " is empty.");
      }
      validate(region, "entry #" + index + " of the regions file " + file);
      if (byName.putIfAbsent(region.name(), region) != null) {
        throw new RegionsConfigException(
            "Region " + region.name() + " is listed twice in the regions file " + file + ".");
      }
    }
    return new Regions(byName);
  }

  /** Writes the regions as a regions file (tokens included: keep the file private). */
  public void write(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, Json.pretty().writeValueAsString(new RegionsFile(all())));
    } catch (IOException e) {
      throw new RegionsConfigException(
          "The regions file " + file + " cannot be written (" + e.getMessage() + ").", e);
    }
  }

  public Optional<RegionConfig> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** The region of that name; an {@link UnknownRegionException} naming the known ones otherwise. */
  public RegionConfig get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new UnknownRegionException(
                    name,
                    "Region "
                        + name
                        + " is not configured; the known regions are "
                        + String.join(", ", names())
                        + "."));
  }

  public boolean contains(String name) {
    return find(name).isPresent();
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public List<RegionConfig> all() {
    return List.copyOf(byName.values());
  }

  private static void validate(RegionConfig region, String where) {
    List<String> missing = new ArrayList<>();
    if (blank(region.name())) {
      missing.add("name");
    }
    if (blank(region.apiUrl())) {
      missing.add("api_url");
    }
    if (blank(region.token())) {
      missing.add("token");
    }
    if (!missing.isEmpty()) {
      throw new RegionsConfigException(
          "Region " + where + " has no " + String.join(", ", missing) + ".");
    }
    if (!region.apiUrl().startsWith("http://") && !region.apiUrl().startsWith("https://")) {
      throw new RegionsConfigException(
          "Region "
              + region.name()
              + " in "
              + where
              + " has api_url "
              + region.apiUrl()
              + ", which is not an http:// or https:// URL.");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private record RegionsFile(List<RegionConfig> regions) {}
}
