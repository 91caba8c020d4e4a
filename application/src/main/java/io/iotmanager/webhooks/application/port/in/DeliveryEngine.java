package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

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

  /**
   * Ends this instance's lease on events it was handed but does not take (e.g. its backlog is full),
   * where it is still {@code leaseUntil}, so that they are claimable at once. Succeeds with how many.
   */
  Future<Integer> releaseLeases(List<EventRecord> refused, Instant leaseUntil);

  /** Runs {@code then} on the engine's context, on a turn of its own, once the backlog is below {@code mark}. */
  void whenBacklogBelow(int mark, Runnable then);

  /** Writes the outcomes not yet written; completes once the store has them (or gave up). */
  Future<Void> drain();

  /**
   * Reads the tenant's integrations again (integrations of it were deleted), so that the engine forgets
   * what it keeps of those that are gone. Completes once the read ended, failed reads included.
   */
  Future<Void> integrationsChanged(String tenant);
}
