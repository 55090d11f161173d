package io.regionmove.model;

/**
 * The input of a dry run: the migration it would create, and whether the data would move live.
 *
 * @param live check the readiness of live data mode (SPEC §9) as well
 */
public record DryRunRequest(MigrationRequest migration, boolean live) {}
