package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;

/** Creates an integration; fails with DomainValidationException (bad URL, reserved address) or Conflict (limit). */
public interface CreateIntegrationUseCase {
  Future<Integration> createIntegration(CreateIntegrationCommand command);
}
