package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.UUID;

/** One event of a tenant. */
public record EventQuery(String tenantId, UUID eventId) {
  public EventQuery {
    if (tenantId == null || eventId == null) {
      throw new DomainValidationException("tenant and event id are required");
    }
  }
}
