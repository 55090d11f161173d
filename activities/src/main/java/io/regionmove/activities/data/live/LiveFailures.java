package io.regionmove.activities.data.live;

import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.model.FailureType;
import io.regionmove.regionapi.RegionApiException;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;

/**
 * How live mode's failures reach Temporal: a region's 4xx and a refusal are final; a database
 * error, an unreachable region or database, a time-out are retried. No message quotes a URL.
 */
final class LiveFailures {

  private LiveFailures() {}

  interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work}, turning a 4xx into a final failure and a database error into a retry. */
  static <T> T guard(Work<T> work) {
    try {
      return work.run();
    } catch (RegionApiException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureType.REGION_REJECTED.name());
    } catch (SQLException e) {
      throw database(e);
    }
  }

  static ToolFailedException database(SQLException e) {
    return new ToolFailedException("database: " + Redaction.redact(e.getMessage()));
  }

  static ApplicationFailure refused(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureType.INVALID_REQUEST.name());
  }

  static ApplicationFailure differs(String message) {
    return ApplicationFailure.newNonRetryableFailure(
        message, FailureType.VERIFICATION_FAILED.name());
  }
}
