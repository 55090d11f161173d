package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A collaborator of an app; only {@value #ACCEPTED} ones are copied. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Collaborator(String email, String status) {

  public static final String ACCEPTED = "accepted";
  public static final String PENDING = "pending";

  public boolean accepted() {
    return ACCEPTED.equals(status);
  }
}
