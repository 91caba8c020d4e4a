package io.iotmanager.webhooks.adapter.http.delivery;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesUseCase;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The delivery engine's driver: the verticle on whose context the engine runs (the in-process hand-off
 * from intake, the poll for due and orphaned work, lease renewal, the graceful stop), and the Vert.x
 * timers behind the engine's scheduler port.
 */
public final class Delivery {
  private Delivery() {}

  /** Vert.x timers behind the engine's {@link Scheduler} port. */
  public static Scheduler scheduler(Vertx vertx) {
    return new VertxScheduler(vertx);
  }

  /** The verticle driving {@code engine}; it is also intake's {@link DeliveryQueue}. Deploy it once. */
  public static Driver driver(DeliveryEngine engine, ClaimDueDeliveriesUseCase claims, Duration pollInterval,
      Duration lease, int maxBacklog, Duration stopTimeout) {
    return new DeliveryVerticle(engine, claims, pollInterval, lease, maxBacklog, stopTimeout);
  }

  /** A deployable verticle that takes intake's hand-off. */
  public abstract static class Driver extends VerticleBase implements DeliveryQueue {
    Driver() {}
  }
}
