package io.iotmanager.webhooks.domain;

import java.time.Instant;

/**
 * The secret a webhook had before its latest change, kept for an overlap so that receivers can switch
 * keys without rejecting a genuine request: until {@code validUntil} every request is signed with both
 * (docs/api-management.md, "Rotating the webhook secret"). Prints without the key.
 */
public record PreviousSecret(WebhookSecret secret, Instant validUntil) {
  public PreviousSecret {
    if (secret == null) {
      throw new DomainValidationException("previous secret: cannot be null");
    }
    if (validUntil == null) {
      throw new DomainValidationException("previous secret: the end of its validity is required");
    }
  }

  /** True while the overlap lasts: strictly before {@code validUntil}. */
  public boolean isValidAt(Instant at) {
    return at.isBefore(validUntil);
  }

  @Override
  public String toString() {
    return "PreviousSecret[secret=" + WebhookSecret.OMITTED + ", validUntil=" + validUntil + "]";
  }
}
