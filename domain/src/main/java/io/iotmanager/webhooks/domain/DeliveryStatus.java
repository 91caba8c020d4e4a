package io.iotmanager.webhooks.domain;

import java.time.Instant;
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
}
