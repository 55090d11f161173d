package io.regionmove.activities.region;

import java.util.List;

/** A notifier of an app; its URL may hold a webhook secret, so only its name is ever shown. */
public record Notifier(String id, String type, String name, String url, List<String> events) {

  public Notifier {
    events = events == null ? List.of() : List.copyOf(events);
  }

  /** Never prints the URL. */
  @Override
  public String toString() {
    return "Notifier[id=" + id + ", type=" + type + ", name=" + name + ", events=" + events + "]";
  }
}
