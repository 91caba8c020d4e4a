package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationUseCase;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.vertx.core.Future;

/** Deletes an integration; its events stay in the log. */
public final class DeleteIntegrationService implements DeleteIntegrationUseCase {
  private final IntegrationRepository integrations;

  public DeleteIntegrationService(IntegrationRepository integrations) {
    this.integrations = integrations;
  }

  @Override
  public Future<Void> deleteIntegration(DeleteIntegrationCommand command) {
    return integrations.delete(command.tenantId(), command.integrationId())
        .compose(deleted -> deleted ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND)));
  }
}
