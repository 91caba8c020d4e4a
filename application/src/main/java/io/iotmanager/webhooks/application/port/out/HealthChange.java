package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What a batch of attempts changed in one integration's health, written in one update with the others
 * of the batch. When the batch had a success ({@code lastSuccessAt} present), the stored count of
 * failures in a row becomes {@code failures} (those after that success) and {@code failingSince} is set
 * to the first of them (or cleared); otherwise {@code failures} is added to the stored count and
 * {@code failingSince} is kept unless the store has none. {@code disabledAt} (with its reason) disables it.
 */
public record HealthChange(String tenantId, UUID integrationId, int failures, Optional<Instant> lastSuccessAt,
    Optional<Instant> lastFailureAt, Optional<Instant> failingSince, Optional<Instant> disabledAt,
    Optional<String> disabledReason) {
  public HealthChange {
    if (tenantId == null || integrationId == null || failures < 0) {
      throw new DomainValidationException("health change: tenant and integration are required");
    }
    lastSuccessAt = lastSuccessAt == null ? Optional.empty() : lastSuccessAt;
    lastFailureAt = lastFailureAt == null ? Optional.empty() : lastFailureAt;
    failingSince = failingSince == null ? Optional.empty() : failingSince;
    disabledAt = disabledAt == null ? Optional.empty() : disabledAt;
    disabledReason = disabledReason == null ? Optional.empty() : disabledReason;
  }
}
