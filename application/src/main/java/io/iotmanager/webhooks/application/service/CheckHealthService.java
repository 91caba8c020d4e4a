package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.CheckHealthUseCase;
import io.iotmanager.webhooks.application.port.out.HealthProbe;
import io.vertx.core.Future;

/** Healthy when the store answers. */
public final class CheckHealthService implements CheckHealthUseCase {
  private final HealthProbe probe;

  public CheckHealthService(HealthProbe probe) {
    this.probe = probe;
  }

  @Override
  public Future<Void> checkHealth() {
    return probe.ping();
  }
}
