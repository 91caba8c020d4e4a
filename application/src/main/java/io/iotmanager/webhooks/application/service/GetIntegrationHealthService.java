package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.GetIntegrationHealthUseCase;
import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
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

  /** One of the tenant's integrations with its health; fails with the API's not-found when it has none such. */
  static Future<MonitoredIntegration> find(IntegrationRepository integrations, String tenantId, UUID integrationId) {
    return integrations.findByTenantWithHealth(tenantId).compose(list -> list.stream()
        .filter(m -> m.integration().id().equals(integrationId)).findFirst()
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND))));
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
