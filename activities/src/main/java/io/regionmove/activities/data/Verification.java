package io.regionmove.activities.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link DataEngine} found comparing a source addon with its destination copy.
 *
 * @param tables tables (or the engine's unit: key spaces...) compared
 * @param rows rows (or keys) compared on the source
 * @param differences what differs, by kind in the order to report them ({@code tables}, {@code
 *     sequences}, {@code keys}...), each with the names that differ; empty when both sides match
 * @param summary the line that reports a match, naming the addon, what was compared and how long it
 *     took
 */
public record Verification(
    int tables, long rows, Map<String, List<String>> differences, String summary) {

  public Verification {
    Map<String, List<String>> kept = new LinkedHashMap<>();
    if (differences != null) {
      differences.forEach(
          (kind, names) -> {
            if (names != null && !names.isEmpty()) {
              kept.put(kind, List.copyOf(names));
            }
          });
    }
    differences = java.util.Collections.unmodifiableMap(kept);
  }

  public boolean matches() {
    return differences.isEmpty();
  }

  /**
   * The sentence that fails the verification, e.g. {@code ... in tables: a, b; and in sequences:
   * s}.
   */
  public String mismatch(String addonId) {
    StringBuilder message =
        new StringBuilder("The data of addon " + addonId + " differs after the restore");
    String joint = " in ";
    for (Map.Entry<String, List<String>> kind : differences.entrySet()) {
      message
          .append(joint)
          .append(kind.getKey())
          .append(": ")
          .append(String.join(", ", kind.getValue()));
      joint = "; and in ";
    }
    return message.toString();
  }
}
