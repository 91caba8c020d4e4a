package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.time.Instant;
import java.util.UUID;

/** Deliver again every failed or skipped event of a tenant's integration since a time. */
public record RecoverIntegrationCommand(String tenantId, UUID integrationId, Instant since) {
  public RecoverIntegrationCommand {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
    if (since == null) {
      throw new DomainValidationException("since: cannot be blank");
    }
  }
}
