package io.regionmove.activities.region;

import io.regionmove.regionapi.Container;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The sentences the region activities share, so every action and undo says things one way. */
final class Wording {

  private Wording() {}

  static String gone(String app, String region) {
    return "App "
        + app
        + " does not exist in region "
        + region
        + " (already gone or never created).";
  }

  static String notOurs(String app, String region, String migrationId) {
    return "App "
        + app
        + " in region "
        + region
        + " was not created by migration "
        + migrationId
        + ".";
  }

  static String describeContainers(Collection<Container> containers) {
    return containers.stream()
        .map(c -> c.name() + ": " + c.amount() + " × " + c.size())
        .collect(Collectors.joining(", "));
  }

  static <T> List<String> names(List<T> items, Function<T, String> name) {
    return items.stream().map(name).toList();
  }

  static String counted(String verb, int count, String noun, List<String> names) {
    if (count == 0) {
      return verb + " no " + noun + "s.";
    }
    return verb + " " + plural(count, noun) + ": " + String.join(", ", names) + ".";
  }

  /** "no domains", or "2 domains: a, b". */
  static String listed(int count, String noun, List<String> names) {
    if (count == 0) {
      return "no " + noun + "s";
    }
    return plural(count, noun) + ": " + String.join(", ", names);
  }

  static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
