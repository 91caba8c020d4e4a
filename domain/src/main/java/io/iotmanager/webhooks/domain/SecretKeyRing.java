package io.iotmanager.webhooks.domain;

import java.util.Optional;

/**
 * The configured secret keys during a key rotation: new data is encrypted with the primary key; old
 * data decrypts with the primary key or, failing that, the fallback key
 * ({@code aes_encryption_fallback_key}), as the original does.
 */
public record SecretKeyRing(SecretCipher primary, Optional<SecretCipher> fallback) {
  public SecretKeyRing {
    if (primary == null) {
      throw new DomainValidationException("key ring: primary key is required");
    }
    fallback = fallback == null ? Optional.empty() : fallback;
  }

  /** A key ring with no fallback key. */
  public static SecretKeyRing of(SecretCipher primary) {
    return new SecretKeyRing(primary, Optional.empty());
  }

  /** Encrypts with the primary key and a fresh random IV. */
  public byte[] encrypt(byte[] plaintext) {
    return primary.encrypt(plaintext);
  }

  /**
   * Decrypts with the primary key, then the fallback key.
   *
   * @throws SecretDecryptionException the primary key's failure (the fallback's attached as suppressed)
   *     when no key decrypts the blob
   */
  public byte[] decrypt(byte[] blob) {
    try {
      return primary.decrypt(blob);
    } catch (SecretDecryptionException primaryFailure) {
      if (fallback.isEmpty()) {
        throw primaryFailure;
      }
      try {
        return fallback.get().decrypt(blob);
      } catch (SecretDecryptionException fallbackFailure) {
        primaryFailure.addSuppressed(fallbackFailure);
        throw primaryFailure;
      }
    }
  }
}
