package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsUseCase;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;

/** Replaces an integration's credentials; the next delivery attempt uses them. */
public final class SetIntegrationCredentialsService implements SetIntegrationCredentialsUseCase {
  private final IntegrationRepository integrations;
  private final DestinationCheck destinationCheck;

  public SetIntegrationCredentialsService(IntegrationRepository integrations, DestinationCheck destinationCheck) {
    this.integrations = integrations;
    this.destinationCheck = destinationCheck;
  }

  @Override
  public Future<Void> setIntegrationCredentials(SetIntegrationCredentialsCommand command) {
    return integrations.findById(command.tenantId(), command.integrationId()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND));
      }
      Integration current = found.get();
      try {
        current.withCredentials(command.credentials());
      } catch (DomainValidationException e) {
        return Future.failedFuture(e);
      }
      return destinationCheck.check(command.credentials())
          .compose(ok -> integrations.updateCredentials(command.tenantId(), command.integrationId(),
              command.credentials()))
          .compose(updated -> updated ? Future.<Void>succeededFuture()
              : Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND)));
    });
  }
}
