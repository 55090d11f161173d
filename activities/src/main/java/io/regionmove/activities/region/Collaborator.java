package io.regionmove.activities.region;

/** A collaborator of an app; only {@value #ACCEPTED} ones are copied. */
public record Collaborator(String email, String status) {

  public static final String ACCEPTED = "accepted";
  public static final String PENDING = "pending";

  public boolean accepted() {
    return ACCEPTED.equals(status);
  }
}
