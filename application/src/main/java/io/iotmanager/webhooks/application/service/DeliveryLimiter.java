package io.iotmanager.webhooks.application.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Bounds attempts in flight, in all and per destination host, so one slow receiver holds at most its
 * own share: a task first waits for a permit of its host, then for a global one. Used on the engine's
 * one context only, so it needs no locks.
 */
public final class DeliveryLimiter {
  private final int maxGlobal;
  private final int maxPerHost;
  private final Map<String, Lane> lanes = new HashMap<>();
  private final ArrayDeque<Runnable> globalWaiting = new ArrayDeque<>();
  private int globalActive;
  /** Steps granted a permit, run one after another by {@link #dispatch} (never nested). */
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private boolean dispatching;

  public DeliveryLimiter(int maxGlobal, int maxPerHost) {
    this.maxGlobal = maxGlobal;
    this.maxPerHost = maxPerHost;
  }

  private static final class Lane {
    int active;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  /** Runs {@code task} when permits allow; its future completes the returned one. */
  public <T> Future<T> run(String host, Supplier<Future<T>> task) {
    Promise<T> result = Promise.promise();
    Runnable withGlobal = () -> acquireGlobal(() -> {
      Future<T> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        releaseGlobal();
        releaseHost(host);
        result.handle(ar);
      });
    });
    acquireHost(host, withGlobal);
    return result.future();
  }

  private void acquireHost(String host, Runnable then) {
    Lane lane = lanes.computeIfAbsent(host, h -> new Lane());
    if (lane.active < maxPerHost) {
      lane.active++;
      dispatch(then);
    } else {
      lane.waiting.add(then);
    }
  }

  private void releaseHost(String host) {
    Lane lane = lanes.get(host);
    Runnable next = lane.waiting.poll();
    if (next == null) {
      lane.active--;
      if (lane.active == 0) {
        lanes.remove(host);
      }
    } else {
      dispatch(next);
    }
  }

  private void acquireGlobal(Runnable then) {
    if (globalActive < maxGlobal) {
      globalActive++;
      dispatch(then);
    } else {
      globalWaiting.add(then);
    }
  }

  private void releaseGlobal() {
    Runnable next = globalWaiting.poll();
    if (next == null) {
      globalActive--;
    } else {
      dispatch(next);
    }
  }

  /**
   * Runs {@code step} now, or, when called from inside a step (a task that completed at once hands its
   * permits on), after the running one, from the same loop. Handing permits on by direct calls nested
   * once per waiting task: thousands of tasks that fail at once (a store read timing out for all of
   * them) overflowed the stack half-way through a hand-over, leaking permits and leaving tasks that
   * were taken off the queues never run.
   */
  private void dispatch(Runnable step) {
    ready.add(step);
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      Runnable next;
      while ((next = ready.poll()) != null) {
        next.run();
      }
    } finally {
      dispatching = false;
    }
  }

  /** Attempts running or waiting for a permit. */
  int queued() {
    int n = globalActive + globalWaiting.size();
    for (Lane lane : lanes.values()) {
      n += lane.waiting.size();
    }
    return n;
  }
}
