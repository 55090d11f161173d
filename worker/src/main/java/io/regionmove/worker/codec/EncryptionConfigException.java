package io.regionmove.worker.codec;

/**
 * The payload encryption settings are not valid; the message is one sentence saying which and how
 * to fix it.
 */
public final class EncryptionConfigException extends IllegalArgumentException {

  public EncryptionConfigException(String message) {
    super(message);
  }
}
