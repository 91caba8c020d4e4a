package io.iotmanager.webhooks.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What one round of attempts changed on one event, written back in one update: the new status of
 * each delivery attempted (by its position in the event's delivery list), the attempt records, when
 * the event is due again (empty when nothing is pending) and the lease this instance keeps on it
 * (empty: released).
 *
 * @param leaseOwner the instance whose lease the update requires; empty for a manual redelivery, which
 *     touches only the deliveries it attempted
 */
public record DeliveryOutcome(UUID eventId, Map<Integer, DeliveryStatus> changed, List<Attempt> attempts,
    Optional<Instant> dueAt, Optional<String> leaseOwner, Optional<Instant> leaseUntil) {
  public DeliveryOutcome {
    if (eventId == null) {
      throw new DomainValidationException("delivery outcome: event id is required");
    }
    changed = changed == null ? Map.of() : Map.copyOf(changed);
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    dueAt = dueAt == null ? Optional.empty() : dueAt;
    leaseOwner = leaseOwner == null ? Optional.empty() : leaseOwner;
    leaseUntil = leaseUntil == null ? Optional.empty() : leaseUntil;
  }

  /** A manual redelivery's outcome: the statuses and attempts only; due time and lease are left alone. */
  public boolean manual() {
    return leaseOwner.isEmpty();
  }
}
