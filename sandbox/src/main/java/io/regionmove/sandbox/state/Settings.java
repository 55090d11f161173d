package io.regionmove.sandbox.state;

import com.fasterxml.jackson.annotation.JsonProperty;

public record Settings(
    @JsonProperty("force_https") boolean forceHttps,
    @JsonProperty("sticky_session") boolean stickySession) {

  public static final Settings DEFAULT = new Settings(false, false);
}
