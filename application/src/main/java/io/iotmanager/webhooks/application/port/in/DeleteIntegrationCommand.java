package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.UUID;

/** Delete one integration of a tenant; its events stay. */
public record DeleteIntegrationCommand(String tenantId, UUID integrationId) {
  public DeleteIntegrationCommand {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
  }
}
