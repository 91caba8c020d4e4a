package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes delivery outcomes in batches: one store command for up to {@code batchSize} outcomes,
 * flushed when full or after a short delay. One batch is written at a time, so two outcomes of one
 * event are applied in the order they happened. A batch the store refuses is retried a few times; if
 * it still fails the leases expire and the events are attempted again (at least once, never lost).
 * Used on the engine's one context only, so it needs no locks.
 */
public final class OutcomeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);
  private static final int MAX_WRITE_TRIES = 4;

  private final EventRepository events;
  private final Scheduler scheduler;
  private final int batchSize;
  private final Duration flushDelay;
  private List<DeliveryOutcome> pending = new ArrayList<>();
  private List<Runnable> pendingWritten = new ArrayList<>();
  private boolean flushScheduled;
  private boolean writing;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();

  private final IntegrationRepository integrations;
  private final HealthTracker health;
  /** The health write of the batch being written (started with its first try). */
  private Future<Void> healthWrite = Future.succeededFuture();

  public OutcomeWriter(EventRepository events, Scheduler scheduler, int batchSize, Duration flushDelay) {
    this(events, scheduler, batchSize, flushDelay, null, HealthTracker.none());
  }

  /**
   * A writer that also writes the integrations' health changes that {@code health} has collected, with
   * each batch: one more store command per batch (for all its integrations), none per attempt. A failed
   * health write is logged, not retried (the next batches carry on from the store's state).
   */
  public OutcomeWriter(EventRepository events, Scheduler scheduler, int batchSize, Duration flushDelay,
      IntegrationRepository integrations, HealthTracker health) {
    this.events = events;
    this.scheduler = scheduler;
    this.batchSize = batchSize;
    this.flushDelay = flushDelay;
    this.integrations = integrations;
    this.health = health;
  }

  void add(DeliveryOutcome outcome) {
    add(outcome, null);
  }

  /** Adds an outcome; {@code written} (if not null) runs once the store took its batch, or it was given up. */
  void add(DeliveryOutcome outcome, Runnable written) {
    pending.add(outcome);
    if (written != null) {
      pendingWritten.add(written);
    }
    if (pending.size() >= batchSize) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      scheduler.schedule(flushDelay, () -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  /** Outcomes waiting for their write (not counting the batch being written). */
  int waiting() {
    return pending.size();
  }

  void flush() {
    if (pending.isEmpty() || writing) {
      return; // a write in flight flushes what came meanwhile when it ends
    }
    List<DeliveryOutcome> batch = pending;
    List<Runnable> written = pendingWritten;
    pending = new ArrayList<>();
    pendingWritten = new ArrayList<>();
    writing = true;
    List<HealthChange> changes = health.takeChanges();
    healthWrite = changes.isEmpty() || integrations == null ? Future.succeededFuture()
        : integrations.recordHealth(changes).otherwise(err -> {
          LOG.warn("writing the health of {} integration(s) failed: {}", changes.size(), err.toString());
          return null;
        });
    write(batch, written, 1);
  }

  private void write(List<DeliveryOutcome> batch, List<Runnable> written, int attempt) {
    Future<Void> ar = events.recordOutcomes(batch);
    Future<?> both = Future.join(ar, healthWrite); // as a Future: CompositeFuture is not in the async kernel
    both.onComplete(settled -> {
      if (ar.failed() && attempt < MAX_WRITE_TRIES) {
        LOG.warn("writing {} delivery outcome(s) failed (try {}): {}", batch.size(), attempt, ar.cause().toString());
        scheduler.schedule(Duration.ofMillis(200L * attempt), () -> write(batch, written, attempt + 1));
        return;
      }
      if (ar.failed()) {
        LOG.error("dropping {} delivery outcome(s) after {} tries; their events will be attempted again when "
            + "their leases expire: {}", batch.size(), attempt, ar.cause().toString());
      }
      writing = false;
      written.forEach(Runnable::run);
      if (!pending.isEmpty() && (pending.size() >= batchSize || !flushScheduled || !drainWaiters.isEmpty())) {
        // A full batch, outcomes whose flush timer already ran while this write was in flight, or a
        // drain (whose flush timer may never run once the service is stopping): write them now.
        flush();
      } else if (pending.isEmpty()) {
        List<Promise<Void>> done = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
        done.forEach(Promise::tryComplete);
      }
    });
  }

  /** Writes what is pending and completes once no write is in flight. */
  Future<Void> drain() {
    if (pending.isEmpty() && !writing) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    drainWaiters.add(promise);
    flush();
    return promise.future();
  }
}
