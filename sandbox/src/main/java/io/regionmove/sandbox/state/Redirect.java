package io.regionmove.sandbox.state;

import java.time.Instant;

/** Requests to the app's router URL answer 308 to {@code to} until {@code until}. */
public record Redirect(String to, Instant until) {

  public boolean activeAt(Instant now) {
    return now.isBefore(until);
  }
}
