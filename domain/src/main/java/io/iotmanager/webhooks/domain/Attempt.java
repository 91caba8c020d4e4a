package io.iotmanager.webhooks.domain;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One POST of an event to an integration, successful or not. */
public record Attempt(UUID integrationId, int attempt, Instant time, Optional<Integer> statusCode,
    Optional<String> error, long durationMs, AttemptTrigger trigger) {
  public Attempt {
    if (integrationId == null || time == null || trigger == null) {
      throw new DomainValidationException("attempt: integration id, time and trigger are required");
    }
    statusCode = statusCode == null ? Optional.empty() : statusCode;
    error = error == null ? Optional.empty() : error;
  }

  public boolean success() {
    return statusCode.isPresent() && statusCode.get() >= 200 && statusCode.get() < 300;
  }
}
