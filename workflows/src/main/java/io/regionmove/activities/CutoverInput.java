package io.regionmove.activities;

/**
 * One addon's cutover.
 *
 * @param verificationSlot the slot {@link LiveDataActivities#verifyBeforeCutover} left on the
 *     source
 */
public record CutoverInput(AddonInput addon, String verificationSlot) {}
