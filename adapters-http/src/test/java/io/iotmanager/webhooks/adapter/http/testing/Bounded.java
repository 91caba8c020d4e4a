package io.iotmanager.webhooks.adapter.http.testing;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a future from a test thread, never for ever. */
public final class Bounded {
  private Bounded() {}

  /** The future's result, its failure rethrown, or an AssertionError after {@code seconds}. */
  public static <T> T await(Future<T> future, int seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + seconds + " s", e);
    }
  }
}
