package io.iotmanager.webhooks.adapter.http.delivery;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesUseCase;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the delivery engine: takes the in-process hand-off from intake, and polls the store for due
 * retries and orphaned work (a first poll at start recovers what a crash left). On stop it lets the
 * attempts in flight end (bounded) and writes their outcomes.
 */
final class DeliveryVerticle extends Delivery.Driver {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  /**
   * Events one poll claims at most (three store commands whatever the size); a full batch polls again at
   * once. Large, so that a crashed instance's work comes back in few round trips: 500 events held by a
   * killed instance were claimed 21 s after the kill in batches of 100 on a loaded machine, where each
   * round trip took over a second, against a lease of 12 s.
   */
  static final int CLAIM_BATCH = 500;

  private final DeliveryEngine engine;
  private final ClaimDueDeliveriesUseCase claims;
  private final Duration pollInterval;
  private final int maxBacklog;
  private final Duration stopTimeout;
  private final Duration lease;
  private long timer = -1;
  private long renewTimer = -1;
  /** The engine's backlog, copied on its context for readers on other threads (metrics). */
  private volatile int backlogSeen;
  private long gaugeTimer = -1;
  private boolean renewing;
  private boolean polling;
  /** Set on the engine's context; read there only. */
  private boolean stopped;

  DeliveryVerticle(DeliveryEngine engine, ClaimDueDeliveriesUseCase claims, Duration pollInterval,
      Duration lease, int maxBacklog, Duration stopTimeout) {
    this.engine = engine;
    this.lease = lease;
    this.claims = claims;
    this.pollInterval = pollInterval;
    this.maxBacklog = maxBacklog;
    this.stopTimeout = stopTimeout;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, Math.max(1, pollInterval.toMillis()), id -> poll());
    long renewEvery = Math.max(1000, lease.toMillis() / 3);
    renewTimer = vertx.setPeriodic(renewEvery, renewEvery, id -> renew());
    gaugeTimer = vertx.setPeriodic(1000, id -> backlogSeen = engine.backlog());
    return Future.succeededFuture();
  }

  @Override
  public int backlog() {
    return backlogSeen;
  }

  /** Intake's hand-off, from any thread: runs on the engine's context. */
  @Override
  public void submit(List<EventRecord> stored) {
    context.runOnContext(v -> {
      if (stopped || engine.backlog() >= maxBacklog) {
        // Left to the store: the birth lease expires and a poll claims them.
        return;
      }
      engine.deliverEvents(DeliverEventsCommand.auto(stored));
    });
  }

  /** A manual redelivery (or any round), from any thread: runs on the engine's context. */
  @Override
  public Future<Void> deliverEvents(DeliverEventsCommand command) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> engine.deliverEvents(command).onComplete(done));
    return done.future();
  }

  /** Keeps the leases of work waiting here (e.g. queued behind a slow receiver) from expiring. */
  private void renew() {
    if (stopped || renewing) {
      return;
    }
    renewing = true;
    engine.renewLeases().onComplete(ar -> {
      renewing = false;
      if (ar.failed()) {
        LOG.warn("renewing leases failed: {}", ar.cause().toString());
      }
    });
  }

  private void poll() {
    if (stopped || engine.backlog() >= maxBacklog || polling) {
      return;
    }
    polling = true;
    claims.claimDueDeliveries(new ClaimDueDeliveriesCommand(CLAIM_BATCH)).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        LOG.warn("claiming due deliveries failed: {}", ar.cause().toString());
      } else if (ar.result() == CLAIM_BATCH) {
        context.runOnContext(v -> poll());
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    engine.stopAttempts();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (renewTimer >= 0) {
      vertx.cancelTimer(renewTimer);
    }
    if (gaugeTimer >= 0) {
      vertx.cancelTimer(gaugeTimer);
    }
    Promise<Void> idle = Promise.promise();
    long deadline = System.currentTimeMillis() + stopTimeout.toMillis();
    waitIdle(idle, deadline);
    return idle.future().compose(v -> engine.drain());
  }

  private void waitIdle(Promise<Void> idle, long deadline) {
    if (engine.inFlight() == 0 || System.currentTimeMillis() >= deadline) {
      if (engine.inFlight() > 0) {
        LOG.warn("stopping with {} attempt(s) still in flight; their leases expire and they are retried",
            engine.inFlight());
      }
      idle.tryComplete();
      return;
    }
    vertx.setTimer(50, id -> waitIdle(idle, deadline));
  }
}
