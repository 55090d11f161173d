package io.regionmove.sandbox.state;

import java.util.List;

public record Notifier(String id, String type, String name, String url, List<String> events) {

  public Notifier {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
