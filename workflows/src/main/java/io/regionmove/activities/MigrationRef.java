package io.regionmove.activities;

/** Names one migration; its id is the call's idempotency key. */
public record MigrationRef(String migrationId) {}
