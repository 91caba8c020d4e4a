package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/** Deletes an integration; fails with NotFound. */
public interface DeleteIntegrationUseCase {
  Future<Void> deleteIntegration(DeleteIntegrationCommand command);
}
