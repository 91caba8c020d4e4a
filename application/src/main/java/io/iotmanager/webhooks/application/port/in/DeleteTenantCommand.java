package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;

/** Delete every record of a tenant. */
public record DeleteTenantCommand(String tenantId) {
  public DeleteTenantCommand {
    if (tenantId == null) {
      throw new DomainValidationException("tenant: cannot be null");
    }
    IdLimits.check("tenant ID", tenantId);
  }
}
