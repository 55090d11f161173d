package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** A custom domain of an app, with its TLS certificate and key (a secret). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Domain(
    String name, boolean canonical, String tlscert, String tlskey, Instant tlscertExpiresAt) {

  public boolean hasCertificate() {
    return tlscert != null && !tlscert.isBlank();
  }

  /** Never prints the certificate or the key. */
  @Override
  public String toString() {
    return "Domain[name="
        + name
        + ", canonical="
        + canonical
        + ", certificate="
        + hasCertificate()
        + ", tlscertExpiresAt="
        + tlscertExpiresAt
        + "]";
  }
}
