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
      then.run();
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
      next.run();
    }
  }

  private void acquireGlobal(Runnable then) {
    if (globalActive < maxGlobal) {
      globalActive++;
      then.run();
    } else {
      globalWaiting.add(then);
    }
  }

  private void releaseGlobal() {
    Runnable next = globalWaiting.poll();
    if (next == null) {
      globalActive--;
    } else {
      next.run();
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
