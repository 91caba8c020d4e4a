package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.IntegrationHealth;
import java.util.UUID;

/** Counters and timings of intake and delivery, for {@code GET /metrics}. Never fails. */
public interface DeliveryMetrics {
  /** One attempt ended; {@code outcome} is {@code delivered}, {@code retry}, {@code failed} or {@code manual}. */
  void attempted(String outcome, long durationMs);

  /** Events accepted by intake (stored and acknowledged). */
  void accepted(int events);

  /** Events of an intake call refused because the store could not take them in time (nothing stored). */
  default void rejected(int events) {}

  /**
   * An integration's health as this instance last saw or changed it (for per-integration gauges).
   */
  default void integrationHealth(String tenantId, UUID integrationId, IntegrationHealth health) {}

  /**
   * An integration this instance reported health for is gone (deleted here or on another instance):
   * its per-integration gauges end.
   */
  default void integrationRemoved(String tenantId, UUID integrationId) {}

  /** An integration's health changed: {@code failing}, {@code disabled}, {@code recovered} or {@code enabled}. */
  default void healthTransition(String transition) {}

  /** A metrics sink that records nothing, for tests and tools. */
  DeliveryMetrics NONE = new DeliveryMetrics() {
    @Override
    public void attempted(String outcome, long durationMs) {}

    @Override
    public void accepted(int events) {}
  };
}
