package io.iotmanager.webhooks.domain;

/**
 * A stored secret could not be decrypted: wrong key, tampered or truncated data, or an unknown format
 * version. The message never contains key or secret material.
 */
public final class SecretDecryptionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretDecryptionException(String message) {
    super(message);
  }
}
