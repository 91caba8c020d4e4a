package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Secrets at rest, in one place: how a secret is written into a document and read back, under the
 * configured {@code aes_encryption_key} and {@code aes_encryption_fallback_key} (docs/wire-contract.md A7, A9).
 *
 * <p>The stored form is iot-manager's, so that its Go service reads what this one writes and the other way
 * round:
 * <pre>{@code {algorithm: "AES_256_CFB_HMAC_SHA512", data: BinData(0, <bytes>)}}</pre>
 * where the bytes are the secret itself when no key is set, else {@code 0x01 || IV || AES-256-CFB(key, IV,
 * secret) || HMAC-SHA512(key, secret)} ({@link SecretCipher}). The label is written even without a key.
 * Reading follows the Go service: without a key the bytes are the secret; with one, they are decrypted under
 * the key, then under the fallback key; when there is no fallback key, bytes the key cannot decrypt are taken
 * as the plain secret (how data stored before encryption was turned on stays readable).
 *
 * <p>The forms of the previous version of this service are still read (and rewritten by {@link Migration}):
 * a hex string ({@code "deadbeef"}), or {@code {enc: "<base64 blob>"}} for a webhook secret; a plain
 * string or {@code {enc: …}} for another provider's secret field.
 */
final class SecretStorage {
  static final String ALGORITHM_FIELD = "algorithm";
  static final String DATA_FIELD = "data";
  static final String ALGORITHM = "AES_256_CFB_HMAC_SHA512";
  /** The previous version's encrypted form: {@code {enc: "<base64>"}}. */
  static final String LEGACY_ENCRYPTED_FIELD = "enc";

  private final Optional<SecretCipher> key;
  private final Optional<SecretCipher> fallbackKey;

  private SecretStorage(Optional<SecretCipher> key, Optional<SecretCipher> fallbackKey) {
    this.key = key;
    this.fallbackKey = fallbackKey;
  }

  /**
   * Writes under {@code key} (the plain bytes when empty), reads with {@code key} then {@code fallbackKey}.
   *
   * @throws io.iotmanager.webhooks.domain.DomainValidationException when a key is not base64 of 32 bytes
   */
  static SecretStorage of(Optional<String> key, Optional<String> fallbackKey) {
    return new SecretStorage(key.map(SecretCipher::fromBase64Key), fallbackKey.map(SecretCipher::fromBase64Key));
  }

  static SecretStorage plaintext() {
    return new SecretStorage(Optional.empty(), Optional.empty());
  }

  boolean encrypts() {
    return key.isPresent();
  }

  /** The stored form of {@code secret}: {@code {algorithm, data}}, encrypted under the key if there is one. */
  JsonObject encode(byte[] secret) {
    byte[] data = key.map(cipher -> cipher.encrypt(secret)).orElse(secret);
    return new JsonObject().put(ALGORITHM_FIELD, ALGORITHM).put(DATA_FIELD, DocumentValues.binary(data));
  }

  /** The stored form of another provider's secret text field: its UTF-8 bytes, as {@link #encode}. */
  JsonObject encodeText(String text) {
    return encode(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a stored secret, in any form this service or the Go service wrote.
   *
   * @throws StoredDocumentException when it is not a stored secret, or no configured key decrypts it
   */
  byte[] decode(Object stored) {
    return tryDecode(stored).orElseThrow(() -> new StoredDocumentException(
        "a stored secret cannot be decrypted with the configured aes_encryption_key or "
            + "aes_encryption_fallback_key"));
  }

  /** As {@link #decode}, empty instead of failing. */
  Optional<byte[]> tryDecode(Object stored) {
    Optional<byte[]> data = data(stored);
    if (data.isPresent()) {
      return decrypt(data.get(), true);
    }
    if (stored instanceof String hex) {
      try {
        return Optional.of(HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return legacyBlob(stored).flatMap(blob -> decrypt(blob, false));
  }

  /**
   * Reads another provider's secret text field: what {@link #encodeText} wrote, or the previous version's
   * plain string or {@code {enc}} form.
   */
  Optional<String> tryDecodeText(Object stored) {
    if (stored instanceof String text) {
      return Optional.of(text);
    }
    return tryDecodeBytes(stored).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  private Optional<byte[]> tryDecodeBytes(Object stored) {
    Optional<byte[]> data = data(stored);
    if (data.isPresent()) {
      return decrypt(data.get(), true);
    }
    return legacyBlob(stored).flatMap(blob -> decrypt(blob, false));
  }

  /**
   * For key rotation, which must never take encrypted bytes for a secret: as {@link #tryDecode} on the
   * {@code {algorithm, data}} form, except that bytes no configured key decrypts are only taken as the
   * plain secret when they do not look like an encrypted blob (version byte {@code 0x01}, long enough).
   */
  Optional<byte[]> decodeForRotation(Object stored) {
    Optional<byte[]> data = data(stored);
    if (data.isEmpty()) {
      return tryDecode(stored);
    }
    Optional<byte[]> decrypted = decryptWithKeys(data.get());
    if (decrypted.isPresent()) {
      return decrypted;
    }
    if (fallbackKey.isPresent() || looksEncrypted(data.get())) {
      return Optional.empty();
    }
    return Optional.of(data.get());
  }

  /**
   * True when {@code stored} is already what this storage writes for {@code secret}: the
   * {@code {algorithm, data}} form, with data decrypting under the key, or (without a key) the plain bytes.
   */
  boolean isCurrent(Object stored, byte[] secret) {
    Optional<byte[]> data = data(stored);
    if (data.isEmpty()) {
      return false;
    }
    if (key.isEmpty()) {
      return java.util.Arrays.equals(data.get(), secret);
    }
    return tryCipher(key.get(), data.get()).isPresent();
  }

  /**
   * For key rotation to plain bytes: true when {@code stored} is the {@code {algorithm, data}} form with
   * bytes that no key of this storage decrypts and that do not look like an encrypted blob, i.e. already
   * the plain secret.
   */
  boolean isPlainForRotation(Object stored) {
    Optional<byte[]> data = data(stored);
    return data.isPresent() && decryptWithKeys(data.get()).isEmpty() && !looksEncrypted(data.get());
  }

  /** The bytes of the {@code {algorithm, data}} form, if {@code stored} is in it. */
  static Optional<byte[]> data(Object stored) {
    if (stored instanceof JsonObject object && object.containsKey(DATA_FIELD)
        && !object.containsKey(LEGACY_ENCRYPTED_FIELD)) {
      return DocumentValues.optionalBinary(object, DATA_FIELD);
    }
    return Optional.empty();
  }

  /** True when {@code stored} is a stored secret ({@code {algorithm, data}} or {@code {enc}}), not a group of fields. */
  static boolean isStoredSecret(Object stored) {
    return data(stored).isPresent() || legacyBlob(stored).isPresent();
  }

  private static Optional<byte[]> legacyBlob(Object stored) {
    if (stored instanceof JsonObject object && object.getValue(LEGACY_ENCRYPTED_FIELD) instanceof String base64) {
      try {
        return Optional.of(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Go's rules; {@code plainWhenUndecryptable} is false for the legacy {@code {enc}} form, always encrypted. */
  private Optional<byte[]> decrypt(byte[] data, boolean plainWhenUndecryptable) {
    if (key.isEmpty() && plainWhenUndecryptable) {
      return Optional.of(data);
    }
    Optional<byte[]> decrypted = decryptWithKeys(data);
    if (decrypted.isPresent()) {
      return decrypted;
    }
    return plainWhenUndecryptable && fallbackKey.isEmpty() ? Optional.of(data) : Optional.empty();
  }

  private Optional<byte[]> decryptWithKeys(byte[] data) {
    Optional<byte[]> decrypted = key.flatMap(cipher -> tryCipher(cipher, data));
    return decrypted.isPresent() ? decrypted : fallbackKey.flatMap(cipher -> tryCipher(cipher, data));
  }

  private static Optional<byte[]> tryCipher(SecretCipher cipher, byte[] data) {
    try {
      return Optional.of(cipher.decrypt(data));
    } catch (SecretDecryptionException e) {
      return Optional.empty();
    }
  }

  private static boolean looksEncrypted(byte[] data) {
    return data.length >= SecretCipher.MIN_BLOB_LENGTH && data[0] == SecretCipher.VERSION;
  }

  @Override
  public String toString() {
    return "SecretStorage[" + (encrypts() ? "aes-256-cfb" : "plaintext")
        + (fallbackKey.isPresent() ? ", with a fallback key" : "") + "]";
  }
}
