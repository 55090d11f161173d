package io.regionmove.activities.region;

import io.regionmove.model.FailureType;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionUnavailableException;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Turns Region API answers into Temporal failures: a 4xx is final ({@code REGION_REJECTED}), while
 * a {@link RegionUnavailableException} goes through untouched and is retried.
 */
final class RegionFailures {

  private RegionFailures() {}

  static <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (RegionApiException e) {
      throw rejected(e);
    }
  }

  static ApplicationFailure rejected(RegionApiException e) {
    return ApplicationFailure.newNonRetryableFailure(
        e.getMessage(), FailureType.REGION_REJECTED.name());
  }

  static ApplicationFailure invalidRequest(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureType.INVALID_REQUEST.name());
  }

  static ApplicationFailure unknownRegion(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureType.UNKNOWN_REGION.name());
  }
}
