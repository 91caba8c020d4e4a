package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationUseCase;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.vertx.core.Future;

/**
 * Deletes an integration; its events stay in the log. The delivery engine is told, so that its view of
 * the integration's health (and the integration's gauges) ends with it.
 */
public final class DeleteIntegrationService implements DeleteIntegrationUseCase {
  private final IntegrationRepository integrations;
  private final DeliveryQueue queue;

  public DeleteIntegrationService(IntegrationRepository integrations, DeliveryQueue queue) {
    this.integrations = integrations;
    this.queue = queue;
  }

  @Override
  public Future<Void> deleteIntegration(DeleteIntegrationCommand command) {
    return integrations.delete(command.tenantId(), command.integrationId())
        .compose(deleted -> {
          if (!deleted) {
            return Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND));
          }
          queue.integrationsChanged(command.tenantId());
          return Future.<Void>succeededFuture();
        });
  }
}
