package io.iotmanager.webhooks.domain;

/**
 * The JDK lacks an algorithm every conforming Java platform must provide (HmacSHA256, HmacSHA512,
 * AES/CFB/NoPadding). Not expected to happen; signals a broken runtime, not bad input.
 */
public final class CryptoUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public CryptoUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
