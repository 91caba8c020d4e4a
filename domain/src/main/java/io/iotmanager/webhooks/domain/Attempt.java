package io.iotmanager.webhooks.domain;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One POST of an event to an integration, successful or not.
 *
 * @param responseBody the start of the receiver's response body (at most {@link #MAX_RESPONSE_BODY_CHARS}
 *     characters), where receivers put their error messages; empty when there was no response or no body
 */
public record Attempt(UUID integrationId, int attempt, Instant time, Optional<Integer> statusCode,
    Optional<String> error, long durationMs, AttemptTrigger trigger, Optional<String> responseBody) {
  /** At most this much of a response body is kept with an attempt. */
  public static final int MAX_RESPONSE_BODY_CHARS = 4096;

  public Attempt {
    if (integrationId == null || time == null || trigger == null) {
      throw new DomainValidationException("attempt: integration id, time and trigger are required");
    }
    statusCode = statusCode == null ? Optional.empty() : statusCode;
    error = error == null ? Optional.empty() : error;
    responseBody = responseBody == null ? Optional.empty()
        : responseBody.filter(b -> !b.isEmpty()).map(b -> b.length() > MAX_RESPONSE_BODY_CHARS
            ? b.substring(0, MAX_RESPONSE_BODY_CHARS) : b);
  }

  /** An attempt without a response body kept. */
  public Attempt(UUID integrationId, int attempt, Instant time, Optional<Integer> statusCode, Optional<String> error,
      long durationMs, AttemptTrigger trigger) {
    this(integrationId, attempt, time, statusCode, error, durationMs, trigger, Optional.empty());
  }

  public boolean success() {
    return statusCode.isPresent() && statusCode.get() >= 200 && statusCode.get() < 300;
  }
}
