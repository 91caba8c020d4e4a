package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationScope;
import io.iotmanager.webhooks.domain.Provider;
import java.util.List;
import java.util.Optional;

/**
 * Create an integration for a tenant. The id is chosen by the service; a webhook URL meets {@link NewDestination}.
 * {@code scopes} are stored as given (absent, empty or a list; see {@link Integration#receivesDeviceEvents}).
 */
public record CreateIntegrationCommand(String tenantId, Provider provider, Credentials credentials, String description,
    Optional<List<IntegrationScope>> scopes) {
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
    scopes = scopes == null ? Optional.empty() : scopes;
  }

  /** Without scopes. */
  public CreateIntegrationCommand(String tenantId, Provider provider, Credentials credentials, String description) {
    this(tenantId, provider, credentials, description, Optional.empty());
  }
}
