package io.iotmanager.webhooks.bootstrap;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition by polling it until a deadline: no fixed sleeps in the tests. */
final class Eventually {
  private static final Duration POLL = Duration.ofMillis(50);

  private Eventually() {}

  /** Polls {@code value} until it returns non-null, or fails the test after {@code timeout}, naming {@code what}. */
  static <T> T await(String what, Duration timeout, Callable<T> value) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T result = value.call();
      if (result != null) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Polls {@code condition} until it holds, or fails the test after {@code timeout}, naming {@code what}. */
  static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
    await(what, timeout, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
  }
}
