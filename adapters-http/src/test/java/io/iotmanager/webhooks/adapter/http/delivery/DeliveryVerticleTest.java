package io.iotmanager.webhooks.adapter.http.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesUseCase;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The driver's hand-off under a full backlog: intake's events are not left on their birth lease but
 * released at once, and the driver polls as soon as the backlog drains below its low-water mark rather
 * than on its (here hour-long) poll interval.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryVerticleTest {
  private static final int MAX_BACKLOG = 10;
  private static final Instant LEASE_UNTIL = Instant.parse("2026-01-01T00:00:12Z");

  private final FakeEngine engine = new FakeEngine();
  private final AtomicInteger claims = new AtomicInteger();
  private final ClaimDueDeliveriesUseCase claimUseCase = command -> {
    claims.incrementAndGet();
    return Future.succeededFuture(0);
  };

  private static EventRecord event() {
    UUID id = UUID.randomUUID();
    Event event = Event.create(id, "t1", EventType.DEVICE_DECOMMISSIONED, "dev", new JsonText("{\"id\":\"dev\"}"),
        Instant.parse("2026-01-01T00:00:00Z"));
    return new EventRecord(event, List.of(DeliveryStatus.pending(UUID.randomUUID(), event.time())));
  }

  @Test
  void aHandOffTheBacklogHasNoRoomForIsReleasedAndPolledForOnceTheBacklogDrains(Vertx vertx) throws Exception {
    DeliveryVerticle driver = new DeliveryVerticle(engine, claimUseCase, Duration.ofHours(1), Duration.ofSeconds(12),
        MAX_BACKLOG, Duration.ofSeconds(1));
    vertx.deployVerticle(driver).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> claims.get() == 1); // the first poll, at start
    assertTrue(driver.hasRoom());

    engine.backlog = MAX_BACKLOG;
    List<EventRecord> refused = List.of(event(), event());
    driver.submit(refused, LEASE_UNTIL);

    await().atMost(Duration.ofSeconds(10)).until(() -> engine.watcher != null);
    assertEquals(List.of(new Release(refused, LEASE_UNTIL)), engine.releases, "one release for the hand-off");
    assertEquals(List.of(), engine.rounds, "not handed to the engine");
    assertEquals(DeliveryVerticle.lowWater(MAX_BACKLOG), engine.mark);
    assertEquals(1, claims.get(), "no poll while the backlog is full");
    assertFalse(driver.hasRoom(), "intake is told to store new events claimable and keep them");
    driver.leftInStore();

    engine.drainTo(DeliveryVerticle.lowWater(MAX_BACKLOG) - 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> claims.get() == 2);
    assertTrue(driver.hasRoom(), "below the low-water mark: hand-offs again");

    List<EventRecord> taken = List.of(event());
    driver.submit(taken, LEASE_UNTIL);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.rounds.size() == 1);
    assertEquals(DeliverEventsCommand.auto(taken, LEASE_UNTIL), engine.rounds.get(0), "with room: handed over, "
        + "with its lease");
    assertEquals(1, engine.releases.size());
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPollAskedForWhileOneIsInFlightFollowsIt(Vertx vertx) throws Exception {
    List<Promise<Integer>> answers = new CopyOnWriteArrayList<>();
    ClaimDueDeliveriesUseCase slowClaims = command -> {
      Promise<Integer> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    };
    DeliveryVerticle driver = new DeliveryVerticle(engine, slowClaims, Duration.ofHours(1), Duration.ofSeconds(12),
        MAX_BACKLOG, Duration.ofSeconds(1));
    vertx.deployVerticle(driver).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 1); // the first poll, unanswered

    engine.backlog = MAX_BACKLOG;
    driver.submit(List.of(event()), LEASE_UNTIL);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.watcher != null);
    engine.drainTo(0); // the released events may be missed by the poll in flight
    vertx.setTimer(200, id -> answers.get(0).complete(0));

    await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 2);
    answers.get(1).complete(0);
  }

  @Test
  void theLowWaterMarkLeavesRoomForAWholeClaimOrHalfASmallBacklog() {
    assertEquals(20_000 - DeliveryVerticle.CLAIM_BATCH, DeliveryVerticle.lowWater(20_000));
    assertEquals(500, DeliveryVerticle.lowWater(1000));
    assertEquals(1, DeliveryVerticle.lowWater(1));
  }

  private record Release(List<EventRecord> events, Instant leaseUntil) {}

  /** An engine whose backlog the test sets; it records what the driver asks of it. */
  private static final class FakeEngine implements DeliveryEngine {
    volatile int backlog;
    final List<DeliverEventsCommand> rounds = new CopyOnWriteArrayList<>();
    final List<Release> releases = new CopyOnWriteArrayList<>();
    volatile Runnable watcher;
    volatile int mark;
    volatile Context context;

    /** Lowers the backlog to {@code n} on the engine's context, calling the watcher as the engine does. */
    void drainTo(int n) {
      context.runOnContext(v -> {
        backlog = n;
        Runnable w = watcher;
        if (w != null && n < mark) {
          watcher = null;
          context.runOnContext(x -> w.run());
        }
      });
    }

    @Override
    public Future<Void> deliverEvents(DeliverEventsCommand command) {
      rounds.add(command);
      return Future.succeededFuture();
    }

    @Override
    public int backlog() {
      return backlog;
    }

    @Override
    public int inFlight() {
      return 0;
    }

    @Override
    public void stopAttempts() {
    }

    @Override
    public Future<Integer> renewLeases() {
      return Future.succeededFuture(0);
    }

    @Override
    public Future<Integer> releaseLeases(List<EventRecord> refused, Instant leaseUntil) {
      releases.add(new Release(refused, leaseUntil));
      return Future.succeededFuture(refused.size());
    }

    @Override
    public void whenBacklogBelow(int mark, Runnable then) {
      context = Vertx.currentContext();
      this.mark = mark;
      this.watcher = then;
    }

    @Override
    public Future<Void> drain() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> integrationsChanged(String tenant) {
      return Future.succeededFuture();
    }
  }
}
