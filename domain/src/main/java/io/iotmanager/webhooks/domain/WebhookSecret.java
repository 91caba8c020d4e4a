package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The HMAC key of a webhook: the bytes of the hex string the user configured. Prints as
 * {@code <omitted>} so it cannot leak through logs or string concatenation.
 */
public final class WebhookSecret {
  public static final String OMITTED = "<omitted>";

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key.clone();
  }

  public static WebhookSecret ofBytes(byte[] key) {
    if (key == null) {
      throw new DomainValidationException("secret must not be null");
    }
    return new WebhookSecret(key);
  }

  /**
   * Decodes a hex secret (either case, even length, {@code ""} allowed).
   *
   * @throws DomainValidationException when the text is not hex
   */
  public static WebhookSecret fromHex(String hex) {
    if (hex == null) {
      throw new DomainValidationException("secret must not be null");
    }
    try {
      return new WebhookSecret(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new DomainValidationException("secret must be a hexadecimal string");
    }
  }

  public byte[] bytes() {
    return key.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret other && java.security.MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return OMITTED;
  }
}
