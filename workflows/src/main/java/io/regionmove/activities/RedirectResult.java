package io.regionmove.activities;

import java.util.List;

/** The destination app's URL the source now redirects to. */
public record RedirectResult(String url, List<String> logs) {

  public RedirectResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
