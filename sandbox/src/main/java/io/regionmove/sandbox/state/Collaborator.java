package io.regionmove.sandbox.state;

/** A collaborator; status is {@code pending} until the invitation is accepted. */
public record Collaborator(String email, String status) {

  public static final String PENDING = "pending";
  public static final String ACCEPTED = "accepted";
}
