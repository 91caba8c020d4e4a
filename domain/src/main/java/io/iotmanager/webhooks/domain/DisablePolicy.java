package io.iotmanager.webhooks.domain;

import java.time.Duration;
import java.util.Optional;
import java.time.Instant;

/**
 * When an integration is disabled by its failures (both opt-in): after it has only failed for
 * {@code after}, and at once on a {@code 410 Gone} answer when {@code onGone} is set.
 */
public record DisablePolicy(Optional<Duration> after, boolean onGone) {
  /** Never disables. */
  public static final DisablePolicy NEVER = new DisablePolicy(Optional.empty(), false);

  public DisablePolicy {
    after = after == null ? Optional.empty() : after.filter(d -> !d.isZero());
    if (after.isPresent() && after.get().isNegative()) {
      throw new DomainValidationException("disable policy: the period must not be negative");
    }
  }

  /**
   * Why the integration is to be disabled now, given its health after an attempt that produced
   * {@code outcome}; empty when it stays enabled (or is disabled already).
   */
  public Optional<String> reason(IntegrationHealth health, AttemptOutcome outcome, Instant now) {
    if (health.disabled() || outcome.success()) {
      return Optional.empty();
    }
    if (onGone && outcome.statusCode().filter(code -> code == 410).isPresent()) {
      return Optional.of("the receiver answered 410 Gone");
    }
    if (after.isPresent() && health.failingSince().filter(since -> !since.plus(after.get()).isAfter(now)).isPresent()) {
      return Optional.of("only failures since " + EventTime.format(health.failingSince().get()) + " ("
          + health.consecutiveFailures() + " attempts)");
    }
    return Optional.empty();
  }
}
