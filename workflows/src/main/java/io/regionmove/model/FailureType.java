package io.regionmove.model;

/**
 * The types of permanent (non-retryable) failures activities raise. Anything else thrown by an
 * activity is transient and retried.
 */
public enum FailureType {
  /** The region answered 4xx: a bad token, an unknown object, a conflict, a frozen app. */
  REGION_REJECTED,
  /** The region is not in the worker's regions file. */
  UNKNOWN_REGION,
  /** The destination data differs from the source after a restore. */
  VERIFICATION_FAILED,
  /** A backup is missing or damaged. */
  BACKUP_INVALID,
  /** The request cannot be carried out as stated. */
  INVALID_REQUEST,
  /** A webhook answered a status change with a final refusal (4xx other than 408 and 429). */
  NOTIFICATION_REJECTED
}
