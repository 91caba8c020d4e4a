package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Starts a manual attempt of an event now, whatever its state; succeeds once the attempt is started.
 * Fails with NotFound for an unknown event (or another tenant's) or an integration it was not sent to.
 */
public interface RedeliverEventUseCase {
  Future<Void> redeliverEvent(RedeliverEventCommand command);
}
