package io.iotmanager.webhooks.adapter.http.delivery;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesUseCase;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the delivery engine: takes the in-process hand-off from intake, and polls the store for due
 * retries and orphaned work (a first poll at start recovers what a crash left). On stop it lets the
 * attempts in flight end (bounded) and writes their outcomes.
 *
 * <p>While the engine's backlog is full, intake's hand-off is refused: the events' birth lease is ended
 * in the store (one command per hand-off), so they are claimable at once, and as soon as the backlog
 * is below its low-water mark the driver polls, without waiting for the poll interval or for a lease to
 * run out. Until then intake, told by {@link #hasRoom}, stores new events with a lease already ended and
 * does not hand them over (no command at all to release them).
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
  /** A poll was asked for while one was in flight: poll again when it ends. */
  private boolean pollAgain;
  /** Whether the engine will call back once its backlog is below {@link #lowWater}. */
  private boolean watching;
  /** Work was left in the store for want of room: poll once the backlog is below this. */
  private final int lowWater;
  /**
   * Set on the engine's context when the backlog had no room (a hand-off refused, a poll skipped), cleared
   * there once it is below the low-water mark; read by intake on its own thread, as a hint.
   */
  private volatile boolean full;
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
    this.lowWater = lowWater(maxBacklog);
  }

  /** Room for a whole claim batch, or half the backlog when that is smaller. */
  static int lowWater(int maxBacklog) {
    return maxBacklog - Math.min(CLAIM_BATCH, maxBacklog / 2);
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

  /** Intake's hand-off without its lease, from any thread: runs on the engine's context. */
  @Override
  public void submit(List<EventRecord> stored) {
    context.runOnContext(v -> {
      if (stopped || engine.backlog() >= maxBacklog) {
        // Left to the store: the birth lease expires and a poll claims them.
        watchBacklog();
        return;
      }
      engine.deliverEvents(DeliverEventsCommand.auto(stored));
    });
  }

  /**
   * Intake's hand-off, from any thread: runs on the engine's context. With the backlog full, the
   * events' birth lease is ended at once (one store command) and the driver polls as soon as the
   * backlog is below its low-water mark.
   */
  @Override
  public void submit(List<EventRecord> stored, Instant leaseUntil) {
    context.runOnContext(v -> {
      if (stopped) {
        return; // under the birth lease: taken over once it expires (at once by a restart on the embedded store)
      }
      if (engine.backlog() >= maxBacklog) {
        full = true;
        engine.releaseLeases(stored, leaseUntil).onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("releasing {} event(s) the backlog has no room for failed (claimed once their lease "
                + "expires): {}", stored.size(), ar.cause().toString());
          }
          watchBacklog();
        });
        return;
      }
      engine.deliverEvents(DeliverEventsCommand.auto(stored, leaseUntil));
    });
  }

  /** Integrations of the tenant were deleted: the engine reads the tenant's again, on its context. */
  @Override
  public void integrationsChanged(String tenant) {
    context.runOnContext(v -> engine.integrationsChanged(tenant));
  }

  /** Whether intake should hand new events over (else it stores them claimable and calls leftInStore). */
  @Override
  public boolean hasRoom() {
    return !full;
  }

  /** Intake stored events claimable at once instead of handing them over: poll when there is room. */
  @Override
  public void leftInStore() {
    context.runOnContext(v -> watchBacklog());
  }

  /** Polls once the backlog is below the low-water mark (at once if it is already). */
  private void watchBacklog() {
    if (stopped || watching) {
      return;
    }
    watching = true;
    engine.whenBacklogBelow(lowWater, () -> {
      watching = false;
      full = false;
      poll();
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
    if (stopped) {
      return;
    }
    if (polling) {
      pollAgain = true; // what was just released may have been missed by the poll in flight
      return;
    }
    if (engine.backlog() >= maxBacklog) {
      full = true;
      watchBacklog();
      return;
    }
    polling = true;
    pollAgain = false;
    claims.claimDueDeliveries(new ClaimDueDeliveriesCommand(CLAIM_BATCH)).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        pollAgain = false;
        LOG.warn("claiming due deliveries failed: {}", ar.cause().toString());
      } else if (ar.result() == CLAIM_BATCH || pollAgain) {
        pollAgain = false;
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
