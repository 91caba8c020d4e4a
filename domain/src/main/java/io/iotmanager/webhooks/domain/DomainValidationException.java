package io.iotmanager.webhooks.domain;

/** A value that breaks a rule of the domain. The message names what is wrong and is safe to show. */
public final class DomainValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DomainValidationException(String message) {
    super(message);
  }
}
