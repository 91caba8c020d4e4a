package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLimiterTest {
  /** Tasks started through the limiter, each finished only when the test says so. */
  private final List<Started> started = new ArrayList<>();

  private record Started(String host, int n, Promise<String> promise) {}

  private Future<String> submit(DeliveryLimiter limiter, String host, int n) {
    return limiter.run(host, () -> {
      Promise<String> p = Promise.promise();
      started.add(new Started(host, n, p));
      return p.future();
    });
  }

  private long running(String host) {
    return started.stream().filter(s -> s.host().equals(host) && !s.promise().future().isComplete()).count();
  }

  private long running() {
    return started.stream().filter(s -> !s.promise().future().isComplete()).count();
  }

  private Started oldestRunning(String host) {
    return started.stream().filter(s -> s.host().equals(host) && !s.promise().future().isComplete()).findFirst()
        .orElseThrow();
  }

  @Test
  void manyWaitingTasksThatFinishAtOnceDoNotOverflowTheStackAndAllRunInOrder() {
    DeliveryLimiter limiter = new DeliveryLimiter(4, 1);
    Promise<String> first = Promise.promise();
    Future<String> blocker = limiter.run("h", first::future);
    List<Integer> order = new ArrayList<>();
    List<Future<String>> waiting = new ArrayList<>();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      int k = i;
      // each fails as soon as it runs, as attempts do when a store read they share has failed
      waiting.add(limiter.run("h", () -> {
        order.add(k);
        return Future.failedFuture(new IllegalStateException("store unavailable"));
      }));
    }
    assertEquals(0, order.size(), "all wait behind the one running task");
    first.complete("done"); // hands the host's permit on 100,000 times
    assertEquals("done", blocker.result());
    assertEquals(n, order.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, order.get(i));
    }
    assertTrue(waiting.stream().allMatch(Future::failed));
    assertEquals(0, limiter.queued(), "every permit returned");
    Promise<String> after = Promise.promise();
    Future<String> next = limiter.run("h", after::future);
    after.complete("runs at once");
    assertEquals("runs at once", next.result());
  }

  @Test
  void oneHostGetsAtMostItsShareAndTheRestWaitInOrder() {
    DeliveryLimiter limiter = new DeliveryLimiter(10, 2);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(submit(limiter, "slow", i));
    }
    assertEquals(2, started.size());
    assertEquals(5, limiter.queued());

    for (int i = 0; i < 5; i++) {
      oldestRunning("slow").promise().complete("done " + i);
      assertTrue(running("slow") <= 2);
    }

    assertEquals(List.of(0, 1, 2, 3, 4), started.stream().map(Started::n).toList(), "first come, first served");
    assertEquals(List.of("done 0", "done 1", "done 2", "done 3", "done 4"),
        results.stream().map(Future::result).toList());
    assertEquals(0, limiter.queued());
  }

  @Test
  void aSaturatedHostDoesNotHoldUpAnotherHost() {
    DeliveryLimiter limiter = new DeliveryLimiter(8, 2);
    for (int i = 0; i < 50; i++) {
      submit(limiter, "slow", i);
    }
    for (int i = 0; i < 5; i++) {
      submit(limiter, "fast", i).onComplete(ar -> { });
      oldestRunning("fast").promise().complete("ok");
    }

    assertEquals(2, running("slow"));
    assertEquals(5, started.stream().filter(s -> s.host().equals("fast")).count());
  }

  @Test
  void theGlobalBoundHoldsAcrossHosts() {
    DeliveryLimiter limiter = new DeliveryLimiter(3, 2);
    for (int i = 0; i < 4; i++) {
      submit(limiter, "a", i);
      submit(limiter, "b", i);
      submit(limiter, "c", i);
    }
    assertEquals(3, running());

    for (int round = 0; round < 9; round++) {
      Started next = started.stream().filter(s -> !s.promise().future().isComplete()).findFirst().orElseThrow();
      next.promise().complete("ok");
      assertTrue(running() <= 3, "never more than the global bound");
      for (String host : List.of("a", "b", "c")) {
        assertTrue(running(host) <= 2, "never more than the per-host bound");
      }
    }
    assertEquals(12, started.size(), "every task ran in the end");
    started.stream().filter(s -> !s.promise().future().isComplete()).toList()
        .forEach(s -> s.promise().complete("ok"));
    assertEquals(0, limiter.queued());
  }

  @Test
  void aFailedOrThrowingTaskReleasesItsPermits() {
    DeliveryLimiter limiter = new DeliveryLimiter(1, 1);
    Future<String> failed = limiter.run("h", () -> Future.failedFuture(new IllegalStateException("boom")));
    Future<String> thrown = limiter.run("h", () -> {
      throw new IllegalStateException("thrown");
    });
    Future<String> after = limiter.run("h", () -> Future.succeededFuture("ran"));

    assertEquals("boom", failed.cause().getMessage());
    assertEquals("thrown", thrown.cause().getMessage());
    assertEquals("ran", after.result());
    assertEquals(0, limiter.queued());
  }
}
