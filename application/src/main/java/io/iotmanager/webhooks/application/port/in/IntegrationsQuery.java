package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;

/** All integrations of a tenant. */
public record IntegrationsQuery(String tenantId) {
  public IntegrationsQuery {
    if (tenantId == null) {
      throw new DomainValidationException("tenant: cannot be null");
    }
  }
}
