package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.in.ListIntegrationsUseCase;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.List;

/** Lists a tenant's integrations. */
public final class ListIntegrationsService implements ListIntegrationsUseCase {
  private final IntegrationRepository integrations;

  public ListIntegrationsService(IntegrationRepository integrations) {
    this.integrations = integrations;
  }

  @Override
  public Future<List<Integration>> listIntegrations(IntegrationsQuery query) {
    return integrations.findByTenant(query.tenantId());
  }
}
