package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.List;

/** Lists a tenant's integrations. */
public interface ListIntegrationsUseCase {
  Future<List<Integration>> listIntegrations(IntegrationsQuery query);
}
