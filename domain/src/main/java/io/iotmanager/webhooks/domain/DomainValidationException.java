package io.iotmanager.webhooks.domain;

/**
 * Invalid input: a value that breaks a rule of the domain, of a use case's command, or of the wire format
 * (a malformed request body or parameter). The one exception type for this meaning in every layer; the
 * HTTP adapter answers it with 400. The message names what is wrong and is safe to show.
 */
public final class DomainValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DomainValidationException(String message) {
    super(message);
  }
}
