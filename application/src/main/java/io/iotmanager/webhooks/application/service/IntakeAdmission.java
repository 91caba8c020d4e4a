package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission control in front of intake's store writes, so that an intake call under overload is answered
 * quickly and truthfully instead of stalling.
 *
 * <ul>
 *   <li>At most {@code maxWrites} intake writes are in flight at once; the store's remaining capacity
 *       stays free for delivery outcomes, claims and lease renewals (which do not pass through here), so
 *       they never queue behind a burst of intake.</li>
 *   <li>Calls beyond that wait in a FIFO queue bounded in events ({@code maxQueuedEvents}). A call is
 *       rejected up front, before anything is written, when it does not fit in the queue; a queued call
 *       whose write has not started within {@code queueTimeout} is rejected then. (The recent store
 *       time per event only sets the {@code Retry-After} hint: refusing by it turned a cold start's first
 *       burst away after one slow write.) A rejection is an {@link ApplicationException.Overloaded} (503 with
 *       {@code Retry-After}), and it means that nothing of that call was written.</li>
 *   <li>The read before the write (the tenant's integrations) is bounded by the same timeout
 *       ({@link #read}): a store too busy to answer it in time gets the same refusal, and nothing is
 *       written.</li>
 *   <li>A write, once started, is awaited whatever it takes (bounded only by the store adapter's own
 *       operation timeout): a call is never answered 503 while its write may still land.</li>
 * </ul>
 *
 * <p>Shared by every intake call of the instance and confined to one Vert.x context, as the engine's state
 * is to its own: the HTTP server's (one verticle instance), on which intake's routes call it, the store's
 * futures complete and the {@link Scheduler}'s timers run. So it needs no lock.
 */
public final class IntakeAdmission {
  /**
   * @param maxQueuedEvents events of calls waiting for a write slot, at most; one call larger than this
   *                        is still admitted when nothing waits (a bulk call is never refused for its size)
   * @param queueTimeout    how long a call may wait for its write to start
   * @param maxWrites       intake writes in flight at once
   */
  public record Settings(int maxQueuedEvents, Duration queueTimeout, int maxWrites) {
    public Settings {
      if (maxQueuedEvents < 0) {
        throw new IllegalArgumentException("maxQueuedEvents: must not be negative");
      }
      if (queueTimeout == null || queueTimeout.isNegative()) {
        throw new IllegalArgumentException("queueTimeout: must not be negative");
      }
      if (maxWrites < 1) {
        throw new IllegalArgumentException("maxWrites: must be at least 1");
      }
    }
  }

  /** Weight of the newest write in the moving average of the store's time per event. */
  private static final double SMOOTHING = 0.2;

  private final Settings settings;
  private final Scheduler timers;
  private final LongSupplier nanoTime;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int queuedEvents;
  private int writing;
  /** Moving average of a write's duration divided by its events, in ns; 0 until a write completed. */
  private double nanosPerEvent;
  private long rejected;

  public IntakeAdmission(Settings settings, Scheduler timers, LongSupplier nanoTime) {
    this.settings = settings;
    this.timers = timers;
    this.nanoTime = nanoTime;
  }

  /**
   * Runs {@code write} (which stores {@code events} events) when a write slot is free within the queue
   * timeout, and completes like it; otherwise fails with {@link ApplicationException.Overloaded} without
   * ever calling it.
   */
  public <T> Future<T> submit(int events, Supplier<Future<T>> write) {
    return submit(events, nanoTime.getAsLong(), write);
  }

  /**
   * Like {@link #submit(int, Supplier)} for a call that arrived at {@code arrivedAt} ({@link #now()}): the
   * time since then (a read before the write, say) counts against the queue timeout.
   */
  public <T> Future<T> submit(int events, long arrivedAt, Supplier<Future<T>> write) {
    Waiting admitted;
    long retryAfterMillis;
    long elapsed = Math.max(0, nanoTime.getAsLong() - arrivedAt);
    if (writing < settings.maxWrites() && queue.isEmpty()) {
      writing++;
      admitted = null;
      retryAfterMillis = -1;
    } else {
      long expected = expectedWaitNanos(queuedEvents + events);
      boolean full = queuedEvents + events > settings.maxQueuedEvents() && !queue.isEmpty()
          || settings.maxQueuedEvents() == 0;
      // Only a full queue or a call already out of time is refused up front. The measured store speed
      // only sets Retry-After: refusing by it turned away a whole burst after one slow (cold) write,
      // although the queue was moving; a queued call still gets its answer within the queue timeout.
      if (full || elapsed >= settings.queueTimeout().toNanos()) {
        rejected++;
        admitted = null;
        retryAfterMillis = Math.max(expected, settings.queueTimeout().toNanos()) / 1_000_000;
      } else {
        admitted = new Waiting(events, arrivedAt, Promise.promise());
        queue.addLast(admitted);
        queuedEvents += events;
        retryAfterMillis = -1;
      }
    }
    if (retryAfterMillis >= 0) {
      return Future.failedFuture(overloaded(retryAfterMillis));
    }
    if (admitted == null) {
      return start(events, write);
    }
    timers.schedule(settings.queueTimeout().minusNanos(elapsed), () -> expire(admitted));
    return admitted.started.future().compose(v -> start(events, write));
  }

  /** The admission's clock reading, to pass as a call's arrival time. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * Completes like {@code read} (which must have no effect on the store: a lookup before the write), or
   * fails with {@link ApplicationException.Overloaded} if it has not completed within the queue timeout
   * of a call that arrived at {@code arrivedAt}: a store too busy to answer a read in time is not given
   * the call's write either.
   */
  public <T> Future<T> read(Future<T> read, long arrivedAt) {
    if (read.isComplete()) {
      return read;
    }
    long left = settings.queueTimeout().toNanos() - Math.max(0, nanoTime.getAsLong() - arrivedAt);
    Promise<T> bounded = Promise.promise();
    read.onComplete(ar -> {
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    timers.schedule(Duration.ofNanos(Math.max(0, left)), () -> {
      if (bounded.tryFail(unanswered(settings.queueTimeout().toMillis()))) {
        rejected++;
      }
    });
    return bounded.future();
  }

  /** No bound: every write starts at once (tests and tools that measure the store, not the admission). */
  public static IntakeAdmission unbounded() {
    return new IntakeAdmission(new Settings(Integer.MAX_VALUE, Duration.ofDays(1), Integer.MAX_VALUE),
        (delay, task) -> { }, System::nanoTime);
  }

  /** Intake calls rejected so far (for tests and metrics). */
  public long rejected() {
    return rejected;
  }

  /** Events of calls waiting for a write slot now. */
  public int queuedEvents() {
    return queuedEvents;
  }

  /** Runs a write that holds a slot; on its end, frees the slot and starts whoever waits. */
  private <T> Future<T> start(int events, Supplier<Future<T>> write) {
    long begin = nanoTime.getAsLong();
    Future<T> result;
    try {
      result = write.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.andThen(ar -> finished(events, nanoTime.getAsLong() - begin, ar.succeeded()));
  }

  private void finished(int events, long nanos, boolean succeeded) {
    List<Waiting> toStart = new ArrayList<>(1);
    List<Waiting> toReject = new ArrayList<>(0);
    writing--;
    if (succeeded && events > 0) {
      double sample = (double) nanos / events;
      nanosPerEvent = nanosPerEvent == 0 ? sample : nanosPerEvent + SMOOTHING * (sample - nanosPerEvent);
    }
    long now = nanoTime.getAsLong();
    while (writing < settings.maxWrites() && !queue.isEmpty()) {
      Waiting next = queue.pollFirst();
      queuedEvents -= next.events;
      if (now - next.queuedAt > settings.queueTimeout().toNanos()) {
        rejected++;
        toReject.add(next);
      } else {
        writing++;
        toStart.add(next);
      }
    }
    toReject.forEach(w -> w.started.tryFail(overloaded(settings.queueTimeout().toMillis())));
    toStart.forEach(w -> w.started.tryComplete());
  }

  /** The queue timeout of a waiting call passed: if its write has not started, it never will. */
  private void expire(Waiting waiting) {
    boolean removed = false;
    for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
      if (it.next() == waiting) {
        it.remove();
        queuedEvents -= waiting.events;
        rejected++;
        removed = true;
        break;
      }
    }
    if (removed) {
      waiting.started.tryFail(overloaded(settings.queueTimeout().toMillis()));
    }
  }

  /**
   * How long until the write of a call with {@code eventsAhead} (its own included) waiting starts: the
   * writes in flight are as many as allowed, so the queue drains at {@code maxWrites} writes per write
   * duration. Zero while nothing was measured yet (the queue timeout still bounds the wait).
   */
  private long expectedWaitNanos(int eventsAhead) {
    return (long) (nanosPerEvent * eventsAhead / settings.maxWrites());
  }

  private static ApplicationException.Overloaded overloaded(long retryAfterMillis) {
    long seconds = Math.min(60, Math.max(1, (retryAfterMillis + 999) / 1000));
    return new ApplicationException.Overloaded("overloaded: the store cannot take more events in time; "
        + "nothing of this call was stored, retry later", Duration.ofSeconds(seconds));
  }

  /** A read the store did not answer in time: as unavailable as a store can be seen from here. */
  private static ApplicationException.Overloaded unanswered(long waitedMillis) {
    return new ApplicationException.Overloaded("store unavailable: no answer within " + waitedMillis
        + " ms; nothing of this call was stored, retry later", Duration.ofSeconds(Math.min(60,
            Math.max(1, (waitedMillis + 999) / 1000))));
  }

  private record Waiting(int events, long queuedAt, Promise<Void> started) {}
}
