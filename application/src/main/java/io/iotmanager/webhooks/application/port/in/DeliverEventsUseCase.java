package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Runs one round of attempts for the given events and records the outcomes. Succeeds once every
 * attempt of the round has ended (outcomes are written in batches shortly after); never fails for a
 * failed delivery, which is data.
 */
public interface DeliverEventsUseCase {
  Future<Void> deliverEvents(DeliverEventsCommand command);
}
