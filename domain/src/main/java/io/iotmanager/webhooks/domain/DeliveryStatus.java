package io.iotmanager.webhooks.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery of one event to one integration: its state, the number of attempts so far and the
 * outcome of the latest one. {@code success} is true exactly when the state is delivered.
 */
public record DeliveryStatus(UUID integrationId, DeliveryState state, int attempts, Optional<Integer> statusCode,
    Optional<String> error, Optional<Instant> nextAttemptAt) {
  public DeliveryStatus {
    if (integrationId == null || state == null) {
      throw new DomainValidationException("delivery status: integration id and state are required");
    }
    if (attempts < 0) {
      throw new DomainValidationException("delivery status: attempts must not be negative");
    }
    statusCode = statusCode == null ? Optional.empty() : statusCode;
    error = error == null ? Optional.empty() : error;
    nextAttemptAt = nextAttemptAt == null ? Optional.empty() : nextAttemptAt;
  }

  /** A delivery not attempted yet, due at {@code due}. */
  public static DeliveryStatus pending(UUID integrationId, Instant due) {
    return new DeliveryStatus(integrationId, DeliveryState.PENDING, 0, Optional.empty(), Optional.empty(),
        Optional.of(due));
  }

  public boolean success() {
    return state == DeliveryState.DELIVERED;
  }

  /** The error of a delivery whose integration was deleted before its attempt. */
  public static final String DELETED = "integration deleted";

  /** The error of a delivery skipped because its integration is disabled. */
  public static final String DISABLED = "integration disabled";

  /** A delivery of a new event to a disabled integration: stored, not attempted. */
  public static DeliveryStatus skipped(UUID integrationId) {
    return new DeliveryStatus(integrationId, DeliveryState.SKIPPED, 0, Optional.empty(), Optional.of(DISABLED),
        Optional.empty());
  }

  /** This delivery not attempted because its integration is disabled; the attempts made stay counted. */
  public DeliveryStatus skipped() {
    return new DeliveryStatus(integrationId, DeliveryState.SKIPPED, attempts, statusCode, Optional.of(DISABLED),
        Optional.empty());
  }

  /**
   * This (failed or skipped) delivery set pending again, due at {@code due} (a recovery or an enabling);
   * the attempts made and the latest outcome stay.
   */
  public DeliveryStatus requeued(Instant due) {
    return new DeliveryStatus(integrationId, DeliveryState.PENDING, attempts, statusCode, error, Optional.of(due));
  }

  /** Pending and due at or before {@code at} (a pending delivery without a due time is due at once). */
  public boolean dueBy(Instant at) {
    return state == DeliveryState.PENDING && nextAttemptAt.map(due -> !due.isAfter(at)).orElse(true);
  }

  /** This delivery ended without an attempt because its integration is gone; the attempts made stay counted. */
  public DeliveryStatus deleted() {
    return new DeliveryStatus(integrationId, DeliveryState.FAILED, attempts, statusCode, Optional.of(DELETED),
        Optional.empty());
  }

  /**
   * The state after one more automatic attempt (number {@code attempts + 1}) that produced {@code outcome}:
   * delivered on 2xx, pending with the policy's next due time, or failed for good.
   */
  public DeliveryStatus afterAutomaticAttempt(AttemptOutcome outcome, RetryDecision decision) {
    int number = attempts + 1;
    if (decision instanceof RetryDecision.RetryAt retry) {
      return new DeliveryStatus(integrationId, DeliveryState.PENDING, number, outcome.statusCode(),
          outcome.failure(), Optional.of(retry.at()));
    }
    if (decision instanceof RetryDecision.Delivered) {
      return new DeliveryStatus(integrationId, DeliveryState.DELIVERED, number, outcome.statusCode(),
          Optional.empty(), Optional.empty());
    }
    return new DeliveryStatus(integrationId, DeliveryState.FAILED, number, outcome.statusCode(), outcome.failure(),
        Optional.empty());
  }

  /**
   * The state after one more manual attempt (number {@code attempts + 1}): delivered on 2xx; otherwise
   * a pending delivery stays pending on its automatic schedule and a finished one stays failed.
   */
  public DeliveryStatus afterManualAttempt(AttemptOutcome outcome) {
    int number = attempts + 1;
    DeliveryState next = outcome.success() ? DeliveryState.DELIVERED
        : state == DeliveryState.PENDING ? DeliveryState.PENDING : DeliveryState.FAILED;
    return new DeliveryStatus(integrationId, next, number, outcome.statusCode(), outcome.failure(),
        next == DeliveryState.PENDING ? nextAttemptAt : Optional.empty());
  }

  /**
   * When an event with these deliveries is due: the earliest due time of a pending delivery (one
   * without a due time counts as due at the epoch, i.e. at once); empty when none is pending. The one
   * definition of an event's due time, for the engine and the stores alike.
   */
  public static Optional<Instant> dueAt(List<DeliveryStatus> deliveries) {
    return deliveries.stream()
        .filter(d -> d.state() == DeliveryState.PENDING)
        .map(d -> d.nextAttemptAt().orElse(Instant.EPOCH))
        .min(Instant::compareTo);
  }
}
