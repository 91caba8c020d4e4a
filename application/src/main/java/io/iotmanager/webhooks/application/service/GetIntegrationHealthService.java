package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.GetIntegrationHealthUseCase;
import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Reads the health of the caller's tenant's integrations. */
public final class GetIntegrationHealthService implements GetIntegrationHealthUseCase {
  private final IntegrationRepository integrations;

  public GetIntegrationHealthService(IntegrationRepository integrations) {
    this.integrations = integrations;
  }

  @Override
  public Future<Map<UUID, IntegrationHealth>> getIntegrationHealth(IntegrationsQuery query) {
    return integrations.findByTenantWithHealth(query.tenantId()).map(list -> {
      Map<UUID, IntegrationHealth> byId = new LinkedHashMap<>();
      list.forEach(m -> byId.put(m.integration().id(), m.health()));
      return byId;
    });
  }
}
