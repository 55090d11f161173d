package io.regionmove.activities;

/** Restores the backup of one source addon into the destination addon made for it. */
public record RestoreInput(AddonInput addon, String backupId) {}
