package io.iotmanager.webhooks.bootstrap;

import java.time.Duration;
import java.util.Objects;

/**
 * Integration health, from the {@code webhooks_disable_after}, {@code webhooks_disable_on_gone} and
 * {@code webhooks_recovery_rate} keys (defaults in {@link ConfigKeys}).
 *
 * @param disableAfter an integration that has only failed for this long is disabled; zero: never
 * @param disableOnGone a {@code 410 Gone} answer disables the integration at once
 * @param recoveryRate events per second per integration that enabling or a bulk recovery queues, at most
 */
public record HealthSettings(Duration disableAfter, boolean disableOnGone, int recoveryRate) {
  public HealthSettings {
    Objects.requireNonNull(disableAfter, "disableAfter");
    if (disableAfter.isNegative() || recoveryRate < 1) {
      throw new IllegalArgumentException("health settings: a period of at least zero and a rate of at least 1");
    }
  }
}
