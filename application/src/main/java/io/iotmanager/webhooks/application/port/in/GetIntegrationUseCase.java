package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;

/** Reads one integration; fails with NotFound for an unknown or another tenant's id. */
public interface GetIntegrationUseCase {
  Future<Integration> getIntegration(IntegrationQuery query);
}
