package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Enables an integration (also one that is not disabled: then only its skipped events are queued) and
 * queues its skipped events, oldest first, at the recovery rate; completes with how many it queued. Fails
 * with NotFound for an unknown or another tenant's id.
 */
public interface EnableIntegrationUseCase {
  Future<Integer> enableIntegration(EnableIntegrationCommand command);
}
