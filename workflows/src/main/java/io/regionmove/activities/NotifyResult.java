package io.regionmove.activities;

/** The HTTP status the webhook answered with (2xx) to the delivery that succeeded. */
public record NotifyResult(int httpStatus) {}
