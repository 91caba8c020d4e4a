package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/** Succeeds when the store answers within its bound; fails with StoreUnavailable otherwise. */
public interface CheckHealthUseCase {
  Future<Void> checkHealth();
}
