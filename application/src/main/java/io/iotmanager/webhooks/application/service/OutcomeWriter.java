package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.EventRepository;
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
 * flushed when full or after a short delay. A batch the store refuses is retried a few times; if it
 * still fails the leases expire and the events are attempted again (at least once, never lost).
 */
final class OutcomeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);
  private static final int MAX_WRITE_TRIES = 4;

  private final EventRepository events;
  private final Scheduler scheduler;
  private final int batchSize;
  private final Duration flushDelay;
  private List<DeliveryOutcome> pending = new ArrayList<>();
  private List<Runnable> pendingWritten = new ArrayList<>();
  private boolean flushScheduled;
  private int writesInFlight;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();

  OutcomeWriter(EventRepository events, Scheduler scheduler, int batchSize, Duration flushDelay) {
    this.events = events;
    this.scheduler = scheduler;
    this.batchSize = batchSize;
    this.flushDelay = flushDelay;
  }

  void add(DeliveryOutcome outcome) {
    add(outcome, null);
  }

  /** Adds an outcome; {@code written} (if not null) runs once the store took its batch, or it was given up. */
  void add(DeliveryOutcome outcome, Runnable written) {
    boolean flushNow = false;
    boolean schedule = false;
    synchronized (this) {
      pending.add(outcome);
      if (written != null) {
        pendingWritten.add(written);
      }
      if (pending.size() >= batchSize) {
        flushNow = true;
      } else if (!flushScheduled) {
        flushScheduled = true;
        schedule = true;
      }
    }
    if (flushNow) {
      flush();
    } else if (schedule) {
      scheduler.schedule(flushDelay, () -> {
        synchronized (this) {
          flushScheduled = false;
        }
        flush();
      });
    }
  }

  void flush() {
    List<DeliveryOutcome> batch;
    List<Runnable> written;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      batch = pending;
      pending = new ArrayList<>();
      written = pendingWritten;
      pendingWritten = new ArrayList<>();
      writesInFlight++;
    }
    write(batch, written, 1);
  }

  private void write(List<DeliveryOutcome> batch, List<Runnable> written, int attempt) {
    events.recordOutcomes(batch).onComplete(ar -> {
      if (ar.failed() && attempt < MAX_WRITE_TRIES) {
        LOG.warn("writing {} delivery outcome(s) failed (try {}): {}", batch.size(), attempt, ar.cause().toString());
        scheduler.schedule(Duration.ofMillis(200L * attempt), () -> write(batch, written, attempt + 1));
        return;
      }
      if (ar.failed()) {
        LOG.error("dropping {} delivery outcome(s) after {} tries; their events will be attempted again when "
            + "their leases expire: {}", batch.size(), attempt, ar.cause().toString());
      }
      written.forEach(Runnable::run);
      List<Promise<Void>> done = List.of();
      boolean writeMore = false;
      synchronized (this) {
        writesInFlight--;
        if (writesInFlight == 0 && pending.isEmpty()) {
          done = new ArrayList<>(drainWaiters);
          drainWaiters.clear();
        } else if (writesInFlight == 0 && !drainWaiters.isEmpty()) {
          // Outcomes that came while draining: write them now rather than wait for a flush timer,
          // which may never run once the service is stopping.
          writeMore = true;
        }
      }
      done.forEach(Promise::tryComplete);
      if (writeMore) {
        flush();
      }
    });
  }

  /** Writes what is pending and completes once no write is in flight. */
  Future<Void> drain() {
    Promise<Void> promise = Promise.promise();
    boolean idle;
    synchronized (this) {
      drainWaiters.add(promise);
      idle = pending.isEmpty() && writesInFlight == 0;
    }
    flush();
    if (idle) {
      synchronized (this) {
        drainWaiters.remove(promise);
      }
      promise.tryComplete();
    }
    return promise.future();
  }
}
