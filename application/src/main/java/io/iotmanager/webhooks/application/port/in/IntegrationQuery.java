package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.UUID;

/** One integration of a tenant. */
public record IntegrationQuery(String tenantId, UUID integrationId) {
  public IntegrationQuery {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
  }
}
