package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.time.Duration;

/**
 * How fast re-queued events (of an enabled integration, or of a bulk recovery) become due: at most
 * {@code perSecond} per integration, oldest first, so a receiver that just came back is not flooded.
 */
public record RecoveryPace(int perSecond) {
  public RecoveryPace {
    if (perSecond < 1) {
      throw new DomainValidationException("recovery pace: at least one event per second");
    }
  }

  /** The time between two re-queued events' due times. */
  public Duration spacing() {
    return Duration.ofNanos(1_000_000_000L / perSecond);
  }
}
