package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;

/** Claim up to {@code limit} events that are due and not leased by a live instance. */
public record ClaimDueDeliveriesCommand(int limit) {
  public ClaimDueDeliveriesCommand {
    if (limit < 1) {
      throw new DomainValidationException("limit must be positive");
    }
  }
}
