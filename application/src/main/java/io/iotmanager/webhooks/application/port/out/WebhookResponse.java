package io.iotmanager.webhooks.application.port.out;

import java.util.Optional;

/**
 * What one POST produced: the status when a response arrived (its {@code Retry-After} header, raw), or
 * the transport error, timeout or refused destination; and how long it took.
 */
public record WebhookResponse(Optional<Integer> statusCode, Optional<String> retryAfter, Optional<String> error,
    long durationMs) {
  public static WebhookResponse status(int code, Optional<String> retryAfter, long durationMs) {
    return new WebhookResponse(Optional.of(code), retryAfter, Optional.empty(), durationMs);
  }

  public static WebhookResponse error(String error, long durationMs) {
    return new WebhookResponse(Optional.empty(), Optional.empty(), Optional.of(error), durationMs);
  }
}
