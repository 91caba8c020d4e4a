package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Queues every failed or skipped delivery to the integration of events since the given time, oldest
 * first, at the recovery rate; completes with how many it queued. Fails with NotFound for an unknown or
 * another tenant's id, with Conflict while the integration is disabled (enable it: that queues its
 * skipped events).
 */
public interface RecoverIntegrationUseCase {
  Future<Integer> recoverIntegration(RecoverIntegrationCommand command);
}
