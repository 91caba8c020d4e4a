package io.iotmanager.webhooks.application.port.out;

import java.util.Optional;

/**
 * What one POST produced: the status when a response arrived (its {@code Retry-After} header, raw, and
 * the start of its body), or the transport error, timeout or refused destination; and how long it took.
 */
public record WebhookResponse(Optional<Integer> statusCode, Optional<String> retryAfter, Optional<String> error,
    long durationMs, Optional<String> body) {
  public WebhookResponse {
    statusCode = statusCode == null ? Optional.empty() : statusCode;
    retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    error = error == null ? Optional.empty() : error;
    body = body == null ? Optional.empty() : body;
  }

  public WebhookResponse(Optional<Integer> statusCode, Optional<String> retryAfter, Optional<String> error,
      long durationMs) {
    this(statusCode, retryAfter, error, durationMs, Optional.empty());
  }

  public static WebhookResponse status(int code, Optional<String> retryAfter, long durationMs) {
    return new WebhookResponse(Optional.of(code), retryAfter, Optional.empty(), durationMs, Optional.empty());
  }

  /** A response with the start of its body. */
  public static WebhookResponse status(int code, Optional<String> retryAfter, Optional<String> body,
      long durationMs) {
    return new WebhookResponse(Optional.of(code), retryAfter, Optional.empty(), durationMs, body);
  }

  public static WebhookResponse error(String error, long durationMs) {
    return new WebhookResponse(Optional.empty(), Optional.empty(), Optional.of(error), durationMs, Optional.empty());
  }
}
