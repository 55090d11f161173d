package io.regionmove.model;

import java.time.Duration;

/**
 * What the data step will do with one addon, as a dry run reads it.
 *
 * @param handling how this migration moves its data ({@link Addon#handlingWith})
 * @param sizeBytes the size of its data as its engine measures it; -1 when unknown (no engine, or
 *     the engine could not tell)
 * @param copyTime the estimated time to copy it; null when no engine copies it or its size is
 *     unknown
 */
public record AddonPlan(Addon addon, DataHandling handling, long sizeBytes, Duration copyTime) {}
