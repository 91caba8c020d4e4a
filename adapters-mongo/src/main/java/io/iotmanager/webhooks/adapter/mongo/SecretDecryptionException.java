package io.iotmanager.webhooks.adapter.mongo;

/**
 * A stored secret could not be decrypted: wrong key, tampered or truncated data, or an unknown format
 * version. The message never contains key or secret material.
 */
final class SecretDecryptionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SecretDecryptionException(String message) {
    super(message);
  }
}
