package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.CryptoUnavailableException;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.WebhookSecret;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts integration secrets at rest (docs/wire-contract.md A7, A9), byte-compatible with iot-manager's {@code crypto}
 * package: AES-256-CFB (128-bit segments) and HMAC-SHA512 over the plaintext, both keyed with the same
 * 32-byte key, stored as {@code 0x01 || IV(16) || ciphertext || HMAC(64)}.
 */
final class SecretCipher {
  /** The format version, the first byte of every blob. */
  public static final byte VERSION = 0x01;
  /** The algorithm name iot-manager stores next to the blob in MongoDB. */
  public static final String ALGORITHM = "AES_256_CFB_HMAC_SHA512";
  public static final int KEY_LENGTH = 32;
  public static final int IV_LENGTH = 16;
  public static final int MAC_LENGTH = 64;
  /** The shortest blob: version, IV and MAC around an empty ciphertext. */
  public static final int MIN_BLOB_LENGTH = 1 + IV_LENGTH + MAC_LENGTH;

  private static final String TRANSFORMATION = "AES/CFB/NoPadding";
  private static final String HMAC_SHA512 = "HmacSHA512";
  private static final String KEY_MESSAGE = "aes encryption key must be base64 of 32 bytes";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private SecretCipher(byte[] key) {
    this.key = key;
  }

  /**
   * A cipher from a configured key ({@code aes_encryption_key}): base64 of exactly 32 bytes, standard or
   * URL-safe alphabet, padding optional, surrounding whitespace ignored (as the original accepts it).
   *
   * @throws DomainValidationException when the text is not base64 or does not decode to 32 bytes
   */
  public static SecretCipher fromBase64Key(String base64Key) {
    if (base64Key == null) {
      throw new DomainValidationException(KEY_MESSAGE);
    }
    String standard = base64Key.strip().replace('-', '+').replace('_', '/').replace("=", "");
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(standard);
    } catch (IllegalArgumentException e) {
      throw new DomainValidationException(KEY_MESSAGE);
    }
    return ofKey(decoded);
  }

  /**
   * A cipher from the raw 32-byte key.
   *
   * @throws DomainValidationException when the key is not 32 bytes long
   */
  public static SecretCipher ofKey(byte[] key) {
    if (key == null || key.length != KEY_LENGTH) {
      throw new DomainValidationException(KEY_MESSAGE);
    }
    return new SecretCipher(key.clone());
  }

  /** Encrypts with a fresh random IV. */
  public byte[] encrypt(byte[] plaintext) {
    byte[] iv = new byte[IV_LENGTH];
    RANDOM.nextBytes(iv);
    return encrypt(plaintext, iv);
  }

  /**
   * Encrypts with the given IV; deterministic, for tests and vectors. Never reuse an IV in production.
   *
   * @throws DomainValidationException when the plaintext is null or the IV is not 16 bytes
   */
  public byte[] encrypt(byte[] plaintext, byte[] iv) {
    if (plaintext == null) {
      throw new DomainValidationException("plaintext is required");
    }
    if (iv == null || iv.length != IV_LENGTH) {
      throw new DomainValidationException("iv must be " + IV_LENGTH + " bytes");
    }
    byte[] ciphertext = aes(Cipher.ENCRYPT_MODE, iv, plaintext, 0, plaintext.length);
    byte[] mac = hmac(plaintext);
    byte[] blob = new byte[1 + IV_LENGTH + ciphertext.length + MAC_LENGTH];
    blob[0] = VERSION;
    System.arraycopy(iv, 0, blob, 1, IV_LENGTH);
    System.arraycopy(ciphertext, 0, blob, 1 + IV_LENGTH, ciphertext.length);
    System.arraycopy(mac, 0, blob, 1 + IV_LENGTH + ciphertext.length, MAC_LENGTH);
    return blob;
  }

  /**
   * Decrypts a blob made by {@link #encrypt}, checking its version and its HMAC in constant time.
   *
   * @throws SecretDecryptionException when the blob is too short, of another version, or does not
   *     authenticate under this key (wrong key or tampered data)
   */
  public byte[] decrypt(byte[] blob) {
    if (blob == null || blob.length < MIN_BLOB_LENGTH) {
      throw new SecretDecryptionException("cipher text is too short");
    }
    if (blob[0] != VERSION) {
      throw new SecretDecryptionException("unsupported secret format version " + (blob[0] & 0xff));
    }
    byte[] iv = Arrays.copyOfRange(blob, 1, 1 + IV_LENGTH);
    int ciphertextLength = blob.length - MIN_BLOB_LENGTH;
    byte[] plaintext = aes(Cipher.DECRYPT_MODE, iv, blob, 1 + IV_LENGTH, ciphertextLength);
    byte[] expected = hmac(plaintext);
    byte[] actual = Arrays.copyOfRange(blob, blob.length - MAC_LENGTH, blob.length);
    if (!MessageDigest.isEqual(expected, actual)) {
      Arrays.fill(plaintext, (byte) 0);
      throw new SecretDecryptionException("unable to decrypt the data");
    }
    return plaintext;
  }

  @Override
  public String toString() {
    return "SecretCipher[" + WebhookSecret.OMITTED + "]";
  }

  private byte[] aes(int mode, byte[] iv, byte[] input, int offset, int length) {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(input, offset, length);
    } catch (GeneralSecurityException e) {
      throw new CryptoUnavailableException(TRANSFORMATION + " is unavailable", e);
    }
  }

  private byte[] hmac(byte[] plaintext) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA512);
      mac.init(new SecretKeySpec(key, HMAC_SHA512));
      return mac.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new CryptoUnavailableException(HMAC_SHA512 + " is unavailable", e);
    }
  }
}
