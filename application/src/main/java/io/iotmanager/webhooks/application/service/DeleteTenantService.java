package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeleteTenantCommand;
import io.iotmanager.webhooks.application.port.in.DeleteTenantUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.vertx.core.Future;

/** Removes every record of a tenant: integrations first (so no new event is stored), then events. */
public final class DeleteTenantService implements DeleteTenantUseCase {
  private final IntegrationRepository integrations;
  private final EventRepository events;

  public DeleteTenantService(IntegrationRepository integrations, EventRepository events) {
    this.integrations = integrations;
    this.events = events;
  }

  @Override
  public Future<Void> deleteTenant(DeleteTenantCommand command) {
    return integrations.deleteTenant(command.tenantId()).compose(v -> events.deleteTenant(command.tenantId()));
  }
}
