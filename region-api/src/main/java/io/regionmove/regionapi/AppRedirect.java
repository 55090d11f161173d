package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** Where the router sends an app's traffic, and until when. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AppRedirect(String to, Instant until) {}
