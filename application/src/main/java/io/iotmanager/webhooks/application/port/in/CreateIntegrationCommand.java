package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.Provider;

/** Create an integration for a tenant. The id is chosen by the service; a webhook URL meets {@link NewDestination}. */
public record CreateIntegrationCommand(String tenantId, Provider provider, Credentials credentials, String description) {
  public CreateIntegrationCommand {
    if (tenantId == null) {
      throw new DomainValidationException("tenant: cannot be null");
    }
    if (provider == null) {
      throw new DomainValidationException("provider: cannot be blank");
    }
    if (credentials == null) {
      throw new DomainValidationException("credentials: cannot be blank");
    }
    description = description == null ? "" : description;
    Integration.checkPairing(provider, credentials);
    Integration.checkDescription(description);
    NewDestination.check(credentials);
  }
}
