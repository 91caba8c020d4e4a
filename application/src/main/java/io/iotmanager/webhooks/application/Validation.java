package io.iotmanager.webhooks.application;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.function.Supplier;

/** Turns domain rule violations into {@link ApplicationException.InvalidInput}. */
public final class Validation {
  private Validation() {}

  public static <T> T check(Supplier<T> build) {
    try {
      return build.get();
    } catch (DomainValidationException e) {
      throw new ApplicationException.InvalidInput(e.getMessage());
    }
  }

  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new ApplicationException.InvalidInput(message);
    }
  }
}
