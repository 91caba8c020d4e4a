package io.iotmanager.webhooks.application.port.out;

/** Counters and timings of intake and delivery, for {@code GET /metrics}. Never fails. */
public interface DeliveryMetrics {
  /** One attempt ended; {@code outcome} is {@code delivered}, {@code retry}, {@code failed} or {@code manual}. */
  void attempted(String outcome, long durationMs);

  /** Events accepted by intake (stored and acknowledged). */
  void accepted(int events);

  /** Events of an intake call refused because the store could not take them in time (nothing stored). */
  default void rejected(int events) {}

  /** A metrics sink that records nothing, for tests and tools. */
  DeliveryMetrics NONE = new DeliveryMetrics() {
    @Override
    public void attempted(String outcome, long durationMs) {}

    @Override
    public void accepted(int events) {}
  };
}
