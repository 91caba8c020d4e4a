package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.UUID;

/** Enable a tenant's integration again and deliver the events skipped while it was disabled. */
public record EnableIntegrationCommand(String tenantId, UUID integrationId) {
  public EnableIntegrationCommand {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
  }
}
