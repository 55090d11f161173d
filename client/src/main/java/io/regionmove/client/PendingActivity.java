package io.regionmove.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An activity of the migration that is running or waiting for its next attempt, as the server
 * describes it.
 *
 * @param type the activity type ({@code BackupAddon}, {@code RestoreAddon}, ...)
 * @param attempt the attempt running or next, 1 for the first
 * @param maximumAttempts 0 when unlimited
 * @param details the last heartbeat's last payload as JSON (the data activities send {@code stage},
 *     {@code bytes}, {@code tablesDone}, {@code tables}); null before the first heartbeat
 * @param lastFailure why the previous attempt failed; null on the first attempt
 * @param waiting true between attempts (the retry's back-off)
 */
public record PendingActivity(
    String activityId,
    String type,
    int attempt,
    int maximumAttempts,
    JsonNode details,
    String lastFailure,
    boolean waiting,
    Instant scheduledTime) {}
