package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.util.Map;
import java.util.UUID;

/** The delivery health of each of a tenant's integrations, by id (one store read). */
public interface GetIntegrationHealthUseCase {
  Future<Map<UUID, IntegrationHealth>> getIntegrationHealth(IntegrationsQuery query);
}
