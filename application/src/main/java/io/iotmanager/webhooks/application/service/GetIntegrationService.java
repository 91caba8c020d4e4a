package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.GetIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.IntegrationQuery;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;

/** Reads the integration with the given id, in the caller's tenant only. */
public final class GetIntegrationService implements GetIntegrationUseCase {
  static final String NOT_FOUND = "integration not found";

  private final IntegrationRepository integrations;

  public GetIntegrationService(IntegrationRepository integrations) {
    this.integrations = integrations;
  }

  @Override
  public Future<Integration> getIntegration(IntegrationQuery query) {
    return integrations.findById(query.tenantId(), query.integrationId())
        .compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(NOT_FOUND))));
  }
}
