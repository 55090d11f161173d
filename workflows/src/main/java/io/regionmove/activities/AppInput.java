package io.regionmove.activities;

/** Names one app in one region; {@code migrationId} is the idempotency key of the call. */
public record AppInput(String migrationId, String region, String app) {}
