package io.iotmanager.webhooks.bootstrap;

/**
 * The configuration or the command line is invalid. The message names the offending key, file or
 * argument and is meant to be shown to the operator as is (it never contains secret values).
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
