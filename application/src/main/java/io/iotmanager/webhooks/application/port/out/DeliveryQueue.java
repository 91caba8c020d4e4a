package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.EventRecord;
import java.time.Instant;
import java.util.List;

/**
 * The in-process hand-off from intake to the dispatcher: events stored and claimed at birth by this
 * instance. Never fails: work that cannot be taken now is left in the store, where a poll claims it
 * (at once when its lease could be ended, else once it expires).
 */
public interface DeliveryQueue {
  void submit(List<EventRecord> stored);

  /**
   * The same, with the birth lease the events were stored with: a queue that refuses them can end that
   * lease at once (they are claimable by a poll right away), and one that takes them knows when it
   * runs out.
   */
  default void submit(List<EventRecord> stored, Instant leaseUntil) {
    submit(stored);
  }

  /**
   * Whether the queue takes new work now (any thread; a hint that may be a moment old). When it does
   * not, intake stores new events with a lease that has already ended (claimable at once, with no write
   * to release it) and calls {@link #leftInStore} instead of handing them over.
   */
  default boolean hasRoom() {
    return true;
  }

  /** Events were stored claimable for a poll instead of handed over, because the queue had no room. */
  default void leftInStore() {
  }

  /**
   * Integrations of {@code tenant} were deleted (any thread): the engine reads the tenant's integrations
   * again, so that what it keeps of the deleted ones (their health, their gauges) ends now and not at
   * the tenant's next event.
   */
  default void integrationsChanged(String tenant) {
  }
}
