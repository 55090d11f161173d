package io.regionmove.model;

/**
 * The answer of a dry run (SPEC §10): the preflight as {@code migration-create} would run it, and
 * what the migration would move. Nothing was created.
 *
 * @param preflight its step lines and failed checks; its id is the dry run's workflow id
 * @param canMigrate every check passed
 * @param move what would be moved; null when the source app could not be read
 */
public record MigrationPlan(Migration preflight, boolean live, boolean canMigrate, MovePlan move) {}
