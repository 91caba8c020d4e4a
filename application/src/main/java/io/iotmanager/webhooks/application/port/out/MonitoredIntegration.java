package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;

/** A stored integration with its delivery health, as one read returns them. */
public record MonitoredIntegration(Integration integration, IntegrationHealth health) {
  public MonitoredIntegration {
    if (integration == null) {
      throw new DomainValidationException("monitored integration: integration is required");
    }
    health = health == null ? IntegrationHealth.NONE : health;
  }
}
