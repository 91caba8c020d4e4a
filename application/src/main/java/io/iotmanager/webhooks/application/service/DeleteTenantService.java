package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeleteTenantCommand;
import io.iotmanager.webhooks.application.port.in.DeleteTenantUseCase;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.vertx.core.Future;

/**
 * Removes every record of a tenant: integrations first (so no new event is stored; the delivery engine is
 * told, as for one deletion), then events.
 */
public final class DeleteTenantService implements DeleteTenantUseCase {
  private final IntegrationRepository integrations;
  private final EventRepository events;
  private final DeliveryQueue queue;

  public DeleteTenantService(IntegrationRepository integrations, EventRepository events, DeliveryQueue queue) {
    this.integrations = integrations;
    this.events = events;
    this.queue = queue;
  }

  @Override
  public Future<Void> deleteTenant(DeleteTenantCommand command) {
    return integrations.deleteTenant(command.tenantId())
        .onSuccess(v -> queue.integrationsChanged(command.tenantId()))
        .compose(v -> events.deleteTenant(command.tenantId()));
  }
}
