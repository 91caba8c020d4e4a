package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.UUID;

/** Replace the credentials of an integration; a webhook URL meets {@link NewDestination}. */
public record SetIntegrationCredentialsCommand(String tenantId, UUID integrationId, Credentials credentials) {
  public SetIntegrationCredentialsCommand {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
    if (credentials == null) {
      throw new DomainValidationException("credentials: cannot be blank");
    }
    NewDestination.check(credentials);
  }
}
