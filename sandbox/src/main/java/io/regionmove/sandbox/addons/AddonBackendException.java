package io.regionmove.sandbox.addons;

/** An addon backend's server refused or failed an operation; the message names no password. */
public class AddonBackendException extends Exception {

  public AddonBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
