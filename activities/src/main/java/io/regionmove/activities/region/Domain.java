package io.regionmove.activities.region;

import java.time.Instant;

/** A custom domain of an app, with its TLS certificate and key (a secret). */
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
