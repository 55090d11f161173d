package io.regionmove.sandbox.api;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;

/** Reads what the region needs from PEM texts. */
final class Pem {

  private Pem() {}

  /** The notAfter of the first certificate of a PEM chain. */
  static Instant certificateExpiry(String pem) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate cert =
        (X509Certificate)
            factory.generateCertificate(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    if (cert == null) {
      throw new CertificateException("no certificate");
    }
    return cert.getNotAfter().toInstant();
  }

  static boolean looksLikePrivateKey(String pem) {
    return pem.matches(
        "(?s)\\s*-----BEGIN ([A-Z]+ )?PRIVATE KEY-----.+-----END ([A-Z]+ )?PRIVATE KEY-----\\s*");
  }
}
