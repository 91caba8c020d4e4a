package io.iotmanager.webhooks.adapter.http.delivery;

import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Vert.x timers behind the engine's {@link Scheduler} port. */
final class VertxScheduler implements Scheduler {
  private final Vertx vertx;

  VertxScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    long ms = Math.max(1, delay.toMillis());
    vertx.setTimer(ms, id -> task.run());
  }
}
