package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A notifier of an app; its URL may hold a webhook secret, so only its name is ever shown. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
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
