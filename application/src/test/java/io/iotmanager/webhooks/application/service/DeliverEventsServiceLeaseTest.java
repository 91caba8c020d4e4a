package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How the engine treats the events it holds under its lease.
 *
 * <p>A claim can hand the engine an event it is still working on: the event's lease ran out while it
 * waited in this instance (behind a slow receiver, or a slow store), so the store offers it again, and
 * this very instance may be the one that claims it. It must not be attempted a second time (a duplicate
 * delivery without any crash). Seen in CrashRecoveryIT with a 5 s lease on a loaded machine.
 *
 * <p>On a graceful stop no automatic attempt starts any more: attempts in flight end and are recorded,
 * the rest stays pending in the store. Before, held retries kept firing during the whole bounded stop
 * (15 s), attempting and even exhausting short schedules, and attempts started after the store closed
 * were sent but never recorded (CrashRecoveryIT, SIGTERM under load).
 */
class DeliverEventsServiceLeaseTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TENANT = "t1";

  private final UUID integrationId = UUID.randomUUID();
  private final Integration integration = new Integration(integrationId, TENANT, Provider.WEBHOOK,
      Credentials.http(new HttpCredentials(URI.create("http://hooks.example/x"), Optional.empty())), "");
  private final HeldSender sender = new HeldSender();
  private final QueuedScheduler scheduler = new QueuedScheduler();
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final MovableClock clock = new MovableClock();
  private final DeliverEventsService engine = engine(10);

  private static InMemoryIntegrationRepository integrations(Integration integration) {
    InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
    integrations.put(integration);
    return integrations;
  }

  private DeliverEventsService engine(int maxPerHost) {
    return new DeliverEventsService(integrations(integration), events,
      sender, scheduler, clock, RetryPolicy.of("1s", 0.0), () -> 0.5,
        new DeliverySettings("me", Duration.ofSeconds(60), Duration.ofSeconds(10), 10, maxPerHost, false, "test",
            Duration.ofMinutes(15), 100, 10, Duration.ofMillis(5)),
        DeliveryMetrics.NONE);
  }

  private EventRecord pendingEvent() {
    Event event = Event.create(UUID.randomUUID(), TENANT, EventType.DEVICE_DECOMMISSIONED, "dev1",
        new JsonText("{\"id\":\"dev1\"}"), NOW);
    return new EventRecord(event, List.of(DeliveryStatus.pending(integrationId, NOW)));
  }

  @Test
  void anEventHandedOverAgainWhileItsAttemptIsInFlightIsNotSentTwice() {
    EventRecord record = pendingEvent();
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(1, sender.calls.size());

    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(1, sender.calls.size(), "a claim of an event in flight here must not send it again");

    sender.answer(0, 200);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(1, sender.calls.size(), "delivered, but the store does not know yet: not sent again");

    scheduler.runAll();
    assertEquals(1, events.outcomes().size());
    assertEquals(DeliveryState.DELIVERED, events.outcomes().get(0).changed().get(0).state());

    // Once its round is over the engine no longer holds it: a later hand-over (e.g. the outcome write
    // was lost and the lease expired) is attempted again, as at-least-once requires.
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(2, sender.calls.size());
  }

  @Test
  void anEventHeldForANearRetryIsNotSentByAClaimMeanwhile() {
    EventRecord record = pendingEvent();
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    sender.answer(0, 503);
    assertEquals(1, engine.backlog(), "held in memory for its retry in 1 s");

    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(1, sender.calls.size(), "a claim of an event held for a retry here must not send it now");

    clock.now = NOW.plusSeconds(1);
    scheduler.runAll();
    assertEquals(2, sender.calls.size(), "the held retry itself goes out, once");
    sender.answer(1, 200);
    scheduler.runAll();
    assertEquals(0, engine.backlog());
    assertEquals(2, sender.calls.size());
  }

  @Test
  void aManualRedeliveryIsNeverSkipped() {
    EventRecord record = pendingEvent();
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    engine.deliverEvents(new DeliverEventsCommand(List.of(record), io.iotmanager.webhooks.domain.AttemptTrigger.MANUAL,
        Optional.empty()));
    assertEquals(2, sender.calls.size());
  }

  @Test
  void onStopAttemptsInFlightEndAndAreRecordedWhileQueuedOnesAreReleasedUnsent() {
    DeliverEventsService oneAtATime = engine(1);
    EventRecord inFlight = pendingEvent();
    EventRecord queued = pendingEvent();
    oneAtATime.deliverEvents(DeliverEventsCommand.auto(List.of(inFlight, queued)));
    assertEquals(1, sender.calls.size(), "one per host: the second waits for a permit");

    oneAtATime.stopAttempts();
    sender.answer(0, 200);
    scheduler.runAll();
    assertEquals(1, sender.calls.size(), "nothing starts after the stop began");
    assertEquals(0, oneAtATime.inFlight());
    assertEquals(2, events.outcomes().size());
    DeliveryOutcome delivered = outcomeOf(inFlight);
    assertEquals(DeliveryState.DELIVERED, delivered.changed().get(0).state());
    assertEquals(1, delivered.attempts().size(), "the attempt in flight is recorded");
    DeliveryOutcome released = outcomeOf(queued);
    assertEquals(DeliveryState.PENDING, released.changed().get(0).state());
    assertEquals(0, released.attempts().size());
    assertEquals(Optional.of(NOW), released.dueAt(), "still due");
    assertEquals(Optional.empty(), released.leaseUntil(), "released: another instance may take it at once");
    assertEquals(Optional.of("me"), released.leaseOwner(), "only while this instance still holds it");
  }

  @Test
  void onStopARetryHeldInMemoryIsNotAttemptedButStaysPendingUnderItsLease() {
    EventRecord record = pendingEvent();
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    sender.answer(0, 503);
    scheduler.runUpTo(Duration.ofMillis(5));
    assertEquals(Optional.of(NOW.plusSeconds(61)), outcomeOf(record).leaseUntil(), "held: due in 1 s, leased");

    engine.stopAttempts();
    clock.now = NOW.plusSeconds(1);
    scheduler.runAll();
    assertEquals(1, sender.calls.size(), "the held retry does not go out during the stop");
    assertEquals(0, engine.backlog());
    assertEquals(1, events.outcomes().size(), "the store keeps it pending, due in 1 s, under the lease written");
  }

  private DeliveryOutcome outcomeOf(EventRecord record) {
    return events.outcomes().stream().filter(o -> o.eventId().equals(record.event().id())).reduce((a, b) -> b)
        .orElseThrow();
  }

  // ---------------------------------------------------------------------------------------------
  // Fakes

  private static final class MovableClock extends Clock {
    Instant now = NOW;

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** Records each request and answers it when the test says so. */
  private static final class HeldSender implements WebhookSender {
    final List<Promise<WebhookResponse>> calls = new ArrayList<>();

    @Override
    public Future<WebhookResponse> send(WebhookRequest request) {
      Promise<WebhookResponse> p = Promise.promise();
      calls.add(p);
      return p.future();
    }

    void answer(int call, int status) {
      calls.get(call).complete(WebhookResponse.status(status, Optional.empty(), 1));
    }
  }

  /** Runs scheduled tasks only when asked, whatever their delay (or only the short ones). */
  private static final class QueuedScheduler implements Scheduler {
    private record Task(Duration delay, Runnable run) {}

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public void schedule(Duration delay, Runnable task) {
      tasks.add(new Task(delay, task));
    }

    void runAll() {
      runUpTo(ChronoUnit.FOREVER.getDuration());
    }

    /** Runs the tasks scheduled with at most this delay (e.g. outcome flushes, not retries). */
    void runUpTo(Duration maxDelay) {
      for (int round = 0; round < 100; round++) {
        List<Task> now = tasks.stream().filter(t -> t.delay().compareTo(maxDelay) <= 0).toList();
        if (now.isEmpty()) {
          return;
        }
        tasks.removeAll(now);
        now.forEach(t -> t.run().run());
      }
    }
  }

}
