package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.Optional;
import java.util.UUID;

/** Send an event of a tenant again now, to all its integrations or to one. */
public record RedeliverEventCommand(String tenantId, UUID eventId, Optional<UUID> integrationId) {
  public RedeliverEventCommand {
    if (tenantId == null || eventId == null) {
      throw new DomainValidationException("tenant and event id are required");
    }
    integrationId = integrationId == null ? Optional.empty() : integrationId;
  }
}
