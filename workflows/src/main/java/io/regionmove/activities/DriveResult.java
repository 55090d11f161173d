package io.regionmove.activities;

import io.regionmove.model.MigrationStatus;

/**
 * Where a migration stands once its driver returns.
 *
 * @param error one sentence when it stopped short of what was asked (the failed check or step, a
 *     failed undo), else null
 */
public record DriveResult(String migrationId, MigrationStatus status, String error) {}
