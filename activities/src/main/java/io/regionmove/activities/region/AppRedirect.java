package io.regionmove.activities.region;

import java.time.Instant;

/** Where the router sends an app's traffic, and until when. */
public record AppRedirect(String to, Instant until) {}
