package io.iotmanager.webhooks.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * How deliveries to one integration have been going: the failed attempts since the last success, when
 * the last attempt succeeded and when one last failed, since when it has only failed, and whether it is
 * disabled (no attempts; new events are stored as {@code skipped}) since when and why.
 *
 * @param consecutiveFailures failed attempts since the last successful one
 * @param failingSince the first failure after the last success; empty while the last attempt succeeded
 */
public record IntegrationHealth(int consecutiveFailures, Optional<Instant> lastSuccessAt,
    Optional<Instant> lastFailureAt, Optional<Instant> failingSince, Optional<Instant> disabledAt,
    Optional<String> disabledReason) {
  /** An integration not attempted yet. */
  public static final IntegrationHealth NONE = new IntegrationHealth(0, Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty());

  public IntegrationHealth {
    if (consecutiveFailures < 0) {
      throw new DomainValidationException("integration health: consecutive failures must not be negative");
    }
    lastSuccessAt = lastSuccessAt == null ? Optional.empty() : lastSuccessAt;
    lastFailureAt = lastFailureAt == null ? Optional.empty() : lastFailureAt;
    failingSince = failingSince == null ? Optional.empty() : failingSince;
    disabledAt = disabledAt == null ? Optional.empty() : disabledAt;
    disabledReason = disabledAt.isEmpty() || disabledReason == null ? Optional.empty() : disabledReason;
  }

  public boolean disabled() {
    return disabledAt.isPresent();
  }

  /** The last attempt failed. */
  public boolean failing() {
    return consecutiveFailures > 0;
  }

  /** After a successful attempt at {@code at}: no failures in a row, not failing. */
  public IntegrationHealth afterSuccess(Instant at) {
    return new IntegrationHealth(0, latest(lastSuccessAt, at), lastFailureAt, Optional.empty(), disabledAt,
        disabledReason);
  }

  /** After a failed attempt at {@code at}: one more failure in a row, failing since the first of them. */
  public IntegrationHealth afterFailure(Instant at) {
    return new IntegrationHealth(consecutiveFailures + 1, lastSuccessAt, latest(lastFailureAt, at),
        Optional.of(failingSince.orElse(at)), disabledAt, disabledReason);
  }

  /** Disabled at {@code at} for {@code reason}. */
  public IntegrationHealth disable(Instant at, String reason) {
    return new IntegrationHealth(consecutiveFailures, lastSuccessAt, lastFailureAt, failingSince, Optional.of(at),
        Optional.of(reason));
  }

  /**
   * Enabled again: not disabled, and the count of failures starts afresh (the times of the last success
   * and failure stay), so the disabling period runs from the next failure on.
   */
  public IntegrationHealth enable() {
    return new IntegrationHealth(0, lastSuccessAt, lastFailureAt, Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  private static Optional<Instant> latest(Optional<Instant> known, Instant at) {
    return Optional.of(known.filter(k -> k.isAfter(at)).orElse(at));
  }
}
