package io.regionmove.activities;

import java.time.Instant;

/** Redirects the source app's traffic to the destination app until the given instant. */
public record RedirectInput(MoveInput move, Instant until) {}
