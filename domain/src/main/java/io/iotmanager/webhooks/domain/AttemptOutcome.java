package io.iotmanager.webhooks.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * What one delivery attempt produced, as the retry policy needs it: the HTTP status when a response
 * arrived, the receiver's {@code Retry-After} (already parsed, see {@link RetryPolicy#parseRetryAfter})
 * and the transport or protocol error, if any. At least a status code or an error is present.
 */
public record AttemptOutcome(Optional<Integer> statusCode, Optional<Duration> retryAfter, Optional<String> error) {
  public AttemptOutcome {
    statusCode = statusCode == null ? Optional.empty() : statusCode;
    retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    error = error == null ? Optional.empty() : error;
    if (statusCode.isEmpty() && error.isEmpty()) {
      throw new DomainValidationException("attempt outcome: a status code or an error is required");
    }
    if (statusCode.isPresent() && (statusCode.get() < 100 || statusCode.get() > 999)) {
      throw new DomainValidationException("attempt outcome: status code must have three digits: " + statusCode.get());
    }
    if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
      throw new DomainValidationException("attempt outcome: retry-after must not be negative");
    }
  }

  /** A response with this status and no {@code Retry-After}. */
  public static AttemptOutcome status(int statusCode) {
    return new AttemptOutcome(Optional.of(statusCode), Optional.empty(), Optional.empty());
  }

  /** A response with this status and the parsed {@code Retry-After}, if it had one. */
  public static AttemptOutcome status(int statusCode, Optional<Duration> retryAfter) {
    return new AttemptOutcome(Optional.of(statusCode), retryAfter, Optional.empty());
  }

  /** No response: a transport error or a timeout. */
  public static AttemptOutcome error(String message) {
    if (message == null || message.isEmpty()) {
      throw new DomainValidationException("attempt outcome: error message must not be empty");
    }
    return new AttemptOutcome(Optional.empty(), Optional.empty(), Optional.of(message));
  }

  /**
   * The error shown for this outcome when it is not a success: the unexpected status (worded as the
   * original does) or the transport error; empty on success.
   */
  public Optional<String> failure() {
    if (success()) {
      return Optional.empty();
    }
    return statusCode.map(code -> "client: unexpected status code from API: " + code).or(() -> error);
  }

  /** True for a 2xx response. */
  public boolean success() {
    return statusCode.isPresent() && statusCode.get() >= 200 && statusCode.get() < 300;
  }
}
