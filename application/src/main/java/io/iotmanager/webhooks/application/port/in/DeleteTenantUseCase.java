package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/** Deletes a tenant's integrations and events. */
public interface DeleteTenantUseCase {
  Future<Void> deleteTenant(DeleteTenantCommand command);
}
