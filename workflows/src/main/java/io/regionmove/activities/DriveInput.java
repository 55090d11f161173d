package io.regionmove.activities;

import io.regionmove.model.Phase;

/**
 * Drive migration {@code migrationId} (its idempotency key) through the step {@code through}.
 *
 * @param live run the data step in live data mode (SPEC §9)
 */
public record DriveInput(String migrationId, Phase through, boolean live) {}
