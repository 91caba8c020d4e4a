package io.iotmanager.webhooks.adapter.mongo;

/**
 * A stored document this adapter cannot read: a missing or mistyped field, or a secret no configured
 * key decrypts. The repositories report it as {@code ApplicationException.StoreUnavailable}.
 */
final class StoredDocumentException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  StoredDocumentException(String message) {
    super(message);
  }

  StoredDocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
