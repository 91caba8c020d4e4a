package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.SecretCipher;
import io.iotmanager.webhooks.domain.SecretDecryptionException;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Optional;

/**
 * Stores secrets encrypted with {@link SecretCipher} (AES-256-CFB + HMAC-SHA512, API.md A7) as
 * {@code {"enc": "<base64 blob>"}}; reads that form under its key, and the plaintext hex form.
 */
final class AesSecretCodec implements SecretCodec {
  private final SecretCipher cipher;

  private AesSecretCodec(SecretCipher cipher) {
    this.cipher = cipher;
  }

  /**
   * @throws io.iotmanager.webhooks.domain.DomainValidationException when the key is not base64 of 32 bytes
   */
  static AesSecretCodec fromBase64Key(String base64Key) {
    return new AesSecretCodec(SecretCipher.fromBase64Key(base64Key));
  }

  @Override
  public Object encode(byte[] secret) {
    return new JsonObject().put(ENCRYPTED_FIELD, Base64.getEncoder().encodeToString(cipher.encrypt(secret)));
  }

  @Override
  public Optional<byte[]> decode(Object stored) {
    Optional<String> blob = SecretCodec.encryptedBlob(stored);
    if (blob.isEmpty()) {
      return SecretCodec.decodeHex(stored);
    }
    return decrypt(blob.get());
  }

  @Override
  public boolean writes(Object stored) {
    return SecretCodec.encryptedBlob(stored).flatMap(this::decrypt).isPresent();
  }

  private Optional<byte[]> decrypt(String base64) {
    try {
      return Optional.of(cipher.decrypt(Base64.getDecoder().decode(base64)));
    } catch (SecretDecryptionException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "aes-256-cfb";
  }
}
