package io.iotmanager.webhooks.application.port.out;

import io.vertx.core.Future;

/** Asks the store whether it answers. */
public interface HealthProbe {
  /** Fails with {@code ApplicationException.StoreUnavailable} when the store does not answer in time. */
  Future<Void> ping();
}
