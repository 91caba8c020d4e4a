package io.iotmanager.webhooks.application;

import java.time.Duration;

/**
 * The failures a use case reports against stored state or the store, carried by failed futures. The HTTP
 * adapter maps each kind to one status code (in {@code adapter.http.web.Failures}); messages are safe to
 * show to the caller. Invalid input, wherever it is found (a domain value, a command, a request body or
 * parameter), is a {@link io.iotmanager.webhooks.domain.DomainValidationException} (400): one type per
 * meaning.
 */
public abstract sealed class ApplicationException extends RuntimeException
    permits ApplicationException.NotFound, ApplicationException.Conflict,
    ApplicationException.StoreUnavailable, ApplicationException.Overloaded {
  private static final long serialVersionUID = 1L;

  protected ApplicationException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The resource does not exist for this tenant (404). */
  public static final class NotFound extends ApplicationException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message, null);
    }
  }

  /** The request conflicts with stored state, e.g. the integration limit (409). */
  public static final class Conflict extends ApplicationException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message, null);
    }
  }

  /** The store did not answer or failed; nothing was acknowledged (503). */
  public static final class StoreUnavailable extends ApplicationException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The store cannot take this call in time, so nothing of it was written: the caller should retry after
   * {@code retryAfter} (503 with {@code Retry-After}).
   */
  public static final class Overloaded extends ApplicationException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public Overloaded(String message, Duration retryAfter) {
      super(message, null);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }
}
