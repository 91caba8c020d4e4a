package io.iotmanager.webhooks.bootstrap;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The last step of the start-up warm-up: waits until the JIT compilers have compiled what the warm-up
 * gave them. The warm-up runs the hot paths for a few seconds; the optimizing compiler then works
 * through its queue for seconds more, on the same cores the first real events need (on 2 cores the
 * first 100 provisions after ready cost 19-27 ms of CPU each, 1.7 ms warm). Settled means: the
 * compilers' total time grew by less than {@link #QUIET_MS} over the last {@link #WINDOW_TICKS}
 * ticks of {@link #TICK_MS}. Never longer than {@code max}; at once where the JVM reports no
 * compilation time. A timer, so the event loop stays free.
 */
final class CompilerSettle {
  static final long TICK_MS = 100;
  static final int WINDOW_TICKS = 3;
  static final long QUIET_MS = 10;

  private CompilerSettle() {
  }

  /** Completes with the milliseconds waited. */
  static Future<Long> await(Vertx vertx, Duration max) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported() || max.isZero() || max.isNegative()) {
      return Future.succeededFuture(0L);
    }
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    long[] window = new long[WINDOW_TICKS]; // slot t % WINDOW_TICKS: the reading at tick t
    long[] ticks = {0};
    window[0] = jit.getTotalCompilationTime();
    Promise<Long> settled = Promise.promise();
    vertx.setPeriodic(TICK_MS, id -> {
      ticks[0]++;
      long now = jit.getTotalCompilationTime();
      int slot = (int) (ticks[0] % window.length);
      long before = window[slot]; // the reading WINDOW_TICKS ticks ago, once there is one
      window[slot] = now;
      boolean quiet = ticks[0] >= WINDOW_TICKS && now - before < QUIET_MS;
      if (quiet || System.nanoTime() >= deadline) {
        vertx.cancelTimer(id);
        settled.tryComplete((System.nanoTime() - start) / 1_000_000L);
      }
    });
    return settled.future();
  }
}
