package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured secret keys: one codec that writes (AES under {@code aes_encryption_key}, else
 * plaintext) and the codecs that read, tried in order (the key, then {@code aes_encryption_fallback_key};
 * the plaintext form is always readable).
 */
final class SecretStorage {
  private final SecretCodec writer;
  private final List<SecretCodec> readers;

  private SecretStorage(SecretCodec writer, List<SecretCodec> readers) {
    this.writer = writer;
    this.readers = List.copyOf(readers);
  }

  /**
   * Writes under {@code key} (plaintext when empty), reads with {@code key} then {@code fallbackKey}.
   *
   * @throws io.iotmanager.webhooks.domain.DomainValidationException when a key is not base64 of 32 bytes
   */
  static SecretStorage of(Optional<String> key, Optional<String> fallbackKey) {
    SecretCodec writer = key.<SecretCodec>map(AesSecretCodec::fromBase64Key).orElse(SecretCodec.plaintext());
    List<SecretCodec> readers = new ArrayList<>();
    readers.add(writer);
    fallbackKey.map(AesSecretCodec::fromBase64Key).ifPresent(readers::add);
    if (writer != SecretCodec.plaintext()) {
      readers.add(SecretCodec.plaintext());
    }
    return new SecretStorage(writer, readers);
  }

  static SecretStorage plaintext() {
    return of(Optional.empty(), Optional.empty());
  }

  Object encode(WebhookSecret secret) {
    return writer.encode(secret.bytes());
  }

  /**
   * Reads a stored secret.
   *
   * @throws StoredDocumentException when no configured key decrypts it
   */
  WebhookSecret decode(Object stored) {
    return tryDecode(stored).orElseThrow(() -> new StoredDocumentException(
        "a stored webhook secret cannot be decrypted with the configured aes_encryption_key or "
            + "aes_encryption_fallback_key"));
  }

  Optional<WebhookSecret> tryDecode(Object stored) {
    for (SecretCodec reader : readers) {
      Optional<byte[]> bytes = reader.decode(stored);
      if (bytes.isPresent()) {
        return Optional.of(WebhookSecret.ofBytes(bytes.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * The stored form of a secret text field of another provider (e.g. iot-hub's {@code connection_string}):
   * encrypted like a webhook secret (its UTF-8 bytes) under the key, else the text itself.
   */
  Object encodeText(String text) {
    return encrypts() ? writer.encode(text.getBytes(StandardCharsets.UTF_8)) : text;
  }

  /**
   * Reads what {@link #encodeText} stored, under any configured key; a plain string is taken as it is.
   *
   * @throws StoredDocumentException when no configured key decrypts it
   */
  String decodeText(Object stored) {
    return tryDecodeText(stored).orElseThrow(() -> new StoredDocumentException(
        "a stored credential cannot be decrypted with the configured aes_encryption_key or "
            + "aes_encryption_fallback_key"));
  }

  Optional<String> tryDecodeText(Object stored) {
    if (stored instanceof String text) {
      return Optional.of(text);
    }
    return tryDecode(stored).map(secret -> new String(secret.bytes(), StandardCharsets.UTF_8));
  }

  /** True when the stored text field is already what {@link #encodeText} writes. */
  boolean isCurrentText(Object stored) {
    return encrypts() ? writer.writes(stored) : stored instanceof String;
  }

  /** True when {@code stored} is already what this keyring writes: rewriting it would change nothing. */
  boolean isCurrent(Object stored) {
    return writer.writes(stored);
  }

  boolean encrypts() {
    return writer != SecretCodec.plaintext();
  }
}
