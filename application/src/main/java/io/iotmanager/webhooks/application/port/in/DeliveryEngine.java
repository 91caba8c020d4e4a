package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * The delivery engine as its driver (a verticle of an adapter) sees it: rounds of attempts, and the
 * housekeeping of an instance's held work. Call every method on the engine's one context.
 */
public interface DeliveryEngine extends DeliverEventsUseCase {
  /** Events held in memory: being attempted, or waiting for a near retry. */
  int backlog();

  /** Events whose round of attempts has not ended yet. */
  int inFlight();

  /** For a graceful stop: from now on no automatic attempt starts; what is pending stays in the store. */
  void stopAttempts();

  /**
   * Extends this instance's lease on every event it holds, so no other instance takes over work that is
   * only waiting here. Fails with a store failure when the store cannot be written.
   */
  Future<Integer> renewLeases();

  /** Writes the outcomes not yet written; completes once the store has them (or gave up). */
  Future<Void> drain();
}
