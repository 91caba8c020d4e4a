package io.iotmanager.webhooks.adapter.http.delivery;

import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Vert.x timers behind the engine's {@link Scheduler} port: a task runs on the context that scheduled
 * it (the engine's one context); a zero delay runs it on that context's next turn.
 */
final class VertxScheduler implements Scheduler {
  private final Vertx vertx;

  VertxScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    Context context = vertx.getOrCreateContext();
    if (delay.isZero() || delay.isNegative()) {
      context.runOnContext(v -> task.run());
      return;
    }
    long ms = Math.max(1, delay.toMillis());
    vertx.setTimer(ms, id -> {
      if (Vertx.currentContext() == context) {
        task.run();
      } else {
        context.runOnContext(v -> task.run());
      }
    });
  }
}
