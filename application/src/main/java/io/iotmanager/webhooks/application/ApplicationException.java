package io.iotmanager.webhooks.application;

/**
 * The failures a use case reports, carried by failed futures. The HTTP adapter maps each kind to
 * one status code; messages are safe to show to the caller.
 */
public abstract sealed class ApplicationException extends RuntimeException
    permits ApplicationException.InvalidInput, ApplicationException.NotFound, ApplicationException.Conflict,
    ApplicationException.StoreUnavailable {
  private static final long serialVersionUID = 1L;

  protected ApplicationException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The request breaks a validation rule (400). */
  public static final class InvalidInput extends ApplicationException {
    private static final long serialVersionUID = 1L;

    public InvalidInput(String message) {
      super(message, null);
    }
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
}
