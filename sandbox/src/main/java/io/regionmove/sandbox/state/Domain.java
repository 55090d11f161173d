package io.regionmove.sandbox.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A custom domain; the certificate expiry is read from {@code tlscert} when the domain is added.
 */
public record Domain(
    String name,
    boolean canonical,
    String tlscert,
    String tlskey,
    @JsonProperty("tlscert_expires_at") Instant tlscertExpiresAt) {

  public boolean sameContentAs(Domain other) {
    return name.equals(other.name)
        && canonical == other.canonical
        && java.util.Objects.equals(tlscert, other.tlscert)
        && java.util.Objects.equals(tlskey, other.tlskey);
  }
}
