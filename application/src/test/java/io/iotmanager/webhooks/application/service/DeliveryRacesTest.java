package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.Credentials;
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
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The engine while integrations change and requests race: attempts use the integration as it is when
 * they start (also after waiting for a permit), manual attempts queue behind the round in flight and are
 * numbered without gaps, and a redelivery to a deleted integration is refused.
 */
class DeliveryRacesTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String TENANT = "tenant-1";
  private static final String INSTANCE = "instance-1";
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Duration FLUSH = Duration.ofMillis(5);

  private final ManualClock clock = new ManualClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeWebhookSender sender = new FakeWebhookSender(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
  private final IntegrationLookup lookup = new IntegrationLookup(integrations, scheduler);

  private DeliverEventsService engine(int maxPerHost) {
    return engine(INSTANCE, maxPerHost);
  }

  private DeliverEventsService engine(String instance, int maxPerHost) {
    return engine(instance, maxPerHost, "5s");
  }

  private DeliverEventsService engine(String instance, int maxPerHost, String retrySchedule) {
    DeliverySettings settings = new DeliverySettings(instance, LEASE, Duration.ofSeconds(10), 64, maxPerHost, false,
        "test", Duration.ofMinutes(15), 1000, 200, FLUSH);
    return new DeliverEventsService(events, lookup, new DeliveryLimiter(64, maxPerHost),
        new OutcomeWriter(events, scheduler, 200, FLUSH), sender, scheduler, clock, RetryPolicy.of(retrySchedule, 0),
        () -> 0.5, settings, DeliveryMetrics.NONE);
  }

  private Integration webhook(String url, String secretHex) {
    Integration integration = new Integration(UUID.randomUUID(), TENANT, Provider.WEBHOOK, credentials(url, secretHex),
        "");
    integrations.put(integration);
    return integration;
  }

  private static Credentials credentials(String url, String secretHex) {
    return Credentials.http(new HttpCredentials(URI.create(url),
        Optional.ofNullable(secretHex).map(WebhookSecret::fromHex)));
  }

  private EventRecord stored(Integration target) {
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    Event event = Event.create(id, TENANT, EventType.DEVICE_DECOMMISSIONED, "dev-" + id,
        new JsonText("{\"id\":\"dev-" + id + "\"}"), now);
    EventRecord record = new EventRecord(event, List.of(DeliveryStatus.pending(target.id(), now)));
    events.insertAll(List.of(record), INSTANCE, now.plus(LEASE));
    return record;
  }

  @Test
  void anAttemptThatWaitedForItsPermitUsesTheCredentialsChangedMeanwhile() {
    Integration hook = webhook("https://hooks.example/old", "deadbeef");
    sender.hang("hooks.example");
    DeliverEventsService engine = engine(1);
    EventRecord first = stored(hook);
    EventRecord queued = stored(hook);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(first, queued)));
    assertEquals(1, sender.sent().size(), "one in flight, one waiting for the host's permit");

    scheduler.runDue(); // a later turn of the engine's context
    integrations.updateCredentials(TENANT, hook.id(), credentials("https://hooks.example/new", "c0ffee"));
    sender.answer("hooks.example", FakeWebhookSender.status(200));
    sender.completeHanging(FakeWebhookSender.status(200));

    assertEquals(2, sender.sent().size());
    assertEquals(URI.create("https://hooks.example/new"), sender.sent().get(1).request().url());
    assertTrue(sender.sent().get(1).header("X-Men-Signature") != null);
  }

  @Test
  void anAttemptThatWaitedForItsPermitIsNotSentToAnIntegrationDeletedMeanwhile() {
    Integration hook = webhook("https://hooks.example/", null);
    sender.hang("hooks.example");
    DeliverEventsService engine = engine(1);
    EventRecord first = stored(hook);
    EventRecord queued = stored(hook);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(first, queued)));

    scheduler.runDue();
    integrations.remove(hook.id());
    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(FLUSH);

    assertEquals(1, sender.sent().size(), "no POST to the deleted integration");
    DeliveryStatus status = events.status(queued.event().id(), 0);
    assertEquals(DeliveryState.FAILED, status.state());
    assertEquals(Optional.of(DeliveryStatus.DELETED), status.error());
  }

  @Test
  void newWorkArrivingBeforeTheTurnEndsDoesNotReuseAReadFromBeforeAChange() {
    Integration hook = webhook("https://hooks.example/old", "deadbeef");
    DeliverEventsService engine = engine(8);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(stored(hook))));
    // no scheduler.runDue(): under load the engine's context can take new work before a timer fires
    integrations.updateCredentials(TENANT, hook.id(), credentials("https://hooks.example/new", "c0ffee"));
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(stored(hook))));

    assertEquals(2, sender.sent().size());
    assertEquals(URI.create("https://hooks.example/new"), sender.sent().get(1).request().url(),
        "an event handed over after the change answered uses the new URL");
  }

  @Test
  void attemptsStartingInOneTurnShareOneIntegrationRead() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService engine = engine(8);
    List<EventRecord> batch = IntStream.range(0, 100).mapToObj(i -> stored(hook)).toList();

    engine.deliverEvents(DeliverEventsCommand.auto(batch));
    scheduler.advance(FLUSH);

    assertEquals(100, sender.sent().size());
    assertEquals(1, integrations.tenantReads(), "one read for the whole batch");
    scheduler.runDue();
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(stored(hook))));
    assertEquals(2, integrations.tenantReads(), "a later turn reads again: no cache across turns");
  }

  @Test
  void twentyParallelRedeliveriesAreNumberedTwoToTwentyOneOneAfterTheOther() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService engine = engine(8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, engine);
    EventRecord record = stored(hook);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    scheduler.advance(FLUSH);
    assertEquals(1, events.status(record.event().id(), 0).attempts());

    sender.hang("hooks.example");
    List<Future<Void>> accepted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      accepted.add(redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty())));
    }
    assertTrue(accepted.stream().allMatch(Future::succeeded));
    for (int i = 0; i < 20; i++) {
      assertEquals(i + 2, sender.sent().size(), "one manual attempt at a time, each after the one before");
      scheduler.advance(FLUSH); // outcomes are written while the next attempt is in flight
      sender.completeHanging(FakeWebhookSender.status(i % 2 == 0 ? 500 : 200));
    }
    scheduler.advance(FLUSH);

    List<Attempt> attempts = events.attempts(record.event().id());
    assertEquals(IntStream.rangeClosed(1, 21).boxed().toList(), attempts.stream().map(Attempt::attempt).toList());
    assertEquals(20, attempts.stream().filter(a -> a.trigger() == AttemptTrigger.MANUAL).count());
    assertEquals(21, events.status(record.event().id(), 0).attempts(), "the counter equals the attempts recorded");
  }

  @Test
  void aRedeliveryToADeletedIntegrationIsAConflictAndQueuesNothing() {
    Integration hook = webhook("https://hooks.example/", null);
    Integration other = webhook("https://other.example/", null);
    DeliverEventsService engine = engine(8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, engine);
    EventRecord record = stored(hook);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    scheduler.advance(FLUSH);
    integrations.remove(hook.id());
    scheduler.runDue();

    Future<Void> named = redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(),
        Optional.of(hook.id())));
    Future<Void> all = redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(),
        Optional.empty()));
    scheduler.advance(FLUSH);

    assertInstanceOf(ApplicationException.Conflict.class, named.cause());
    assertTrue(named.cause().getMessage().contains("deleted"), named.cause().getMessage());
    assertInstanceOf(ApplicationException.Conflict.class, all.cause());
    assertEquals(1, sender.sent().size(), "nothing sent again");
    assertEquals(1, events.attempts(record.event().id()).size());
    assertTrue(integrations.findById(TENANT, other.id()).result().isPresent());
  }

  @Test
  void aRedeliveryOnAnotherInstanceWaitsForTheAttemptInFlightThereAndTakesTheLeaseMeanwhile() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService first = engine(8); // holds the event: intake stored it with this instance's lease
    DeliverEventsService second = engine("instance-2", 8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, second);
    EventRecord record = stored(hook);
    sender.hang("hooks.example");
    first.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    assertEquals(1, sender.sent().size());

    Future<Void> accepted = redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(),
        Optional.empty()));
    assertTrue(accepted.succeeded(), "accepted at once (202); the attempt follows");
    scheduler.advance(Duration.ofSeconds(2));
    assertEquals(1, sender.sent().size(), "no manual attempt beside the one in flight on the other instance");
    assertEquals(Optional.of(INSTANCE), events.stored(record.event().id()).leaseOwner);

    sender.completeHanging(FakeWebhookSender.status(200));
    assertEquals(1, sender.sent().size(), "not before the other instance's outcome is written");
    scheduler.advance(Duration.ofMillis(300)); // the outcome is written, then the next poll takes the lease
    assertEquals(2, sender.sent().size(), "the redelivery goes out once the other instance is done");
    assertEquals(Optional.of("instance-2"), events.stored(record.event().id()).leaseOwner,
        "held by the redelivering instance while its attempt is in flight");
    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(FLUSH);

    List<Attempt> attempts = events.attempts(record.event().id());
    assertEquals(List.of(AttemptTrigger.AUTO, AttemptTrigger.MANUAL), attempts.stream().map(Attempt::trigger).toList());
    assertEquals(List.of(1, 2), attempts.stream().map(Attempt::attempt).toList());
    assertEquals(2, events.status(record.event().id(), 0).attempts());
    assertEquals(Optional.empty(), events.stored(record.event().id()).leaseOwner,
        "the lease taken for the redelivery ends with its outcome");
  }

  @Test
  void aRedeliveryOnAnotherInstanceWaitsForARetryDueThereWithinItsAttemptTimeout() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService first = engine(8);
    DeliverEventsService second = engine("instance-2", 8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, second);
    EventRecord record = stored(hook);
    sender.answer("hooks.example", FakeWebhookSender.status(500), FakeWebhookSender.status(200));
    first.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    scheduler.advance(FLUSH); // a retry in 5 s, held by the first instance under its lease

    redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.runDue();
    assertEquals(1, sender.sent().size(), "a retry due within the manual attempt's timeout is waited for");

    scheduler.advance(Duration.ofSeconds(5)); // the retry goes out and is delivered; the redelivery follows
    scheduler.advance(Duration.ofMillis(300));
    assertEquals(3, sender.sent().size());
    scheduler.advance(FLUSH);
    assertEquals(List.of(1, 2, 3), events.attempts(record.event().id()).stream().map(Attempt::attempt).toList());
    assertEquals(List.of(AttemptTrigger.AUTO, AttemptTrigger.AUTO, AttemptTrigger.MANUAL),
        events.attempts(record.event().id()).stream().map(Attempt::trigger).toList());
  }

  @Test
  void aRedeliveryOnAnotherInstanceGoesAheadAtOnceWhenTheRetryHeldThereIsDueLater() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService first = engine(INSTANCE, 8, "1m");
    DeliverEventsService second = engine("instance-2", 8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, second);
    EventRecord record = stored(hook);
    sender.answer("hooks.example", FakeWebhookSender.status(500), FakeWebhookSender.status(200));
    first.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    scheduler.advance(FLUSH); // a retry in a minute, held by the first instance under its lease

    redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.runDue();
    assertEquals(2, sender.sent().size(), "nothing in flight there: the redelivery goes out at once");
    scheduler.advance(FLUSH);
    assertEquals(List.of(1, 2), events.attempts(record.event().id()).stream().map(Attempt::attempt).toList());
    assertEquals(Optional.of(INSTANCE), events.stored(record.event().id()).leaseOwner,
        "the first instance keeps its lease on the retry it holds");
  }

  @Test
  void aRedeliveryOnAnotherInstanceTakesOverTheLeaseOfAnInstanceThatStopped() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService second = engine("instance-2", 8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, second);
    EventRecord record = stored(hook); // leased by an instance that never delivers it (it crashed)

    redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.advance(LEASE.minusSeconds(1));
    assertEquals(0, sender.sent().size(), "waits while the lease may cover an attempt in flight");
    scheduler.advance(Duration.ofSeconds(2));
    assertEquals(1, sender.sent().size(), "sent once the crashed instance's lease ran out");
    scheduler.advance(FLUSH);
    assertEquals(AttemptTrigger.MANUAL, events.attempts(record.event().id()).get(0).trigger());
  }

  @Test
  void theLeaseTakenForARedeliveryIsRenewedWhileItsAttemptWaitsSoNoOtherInstanceTakesTheEvent() {
    Integration hook = webhook("https://hooks.example/", null);
    DeliverEventsService first = engine(8);
    DeliverEventsService second = engine("instance-2", 8);
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, second);
    EventRecord record = stored(hook);
    first.deliverEvents(DeliverEventsCommand.auto(List.of(record)));
    scheduler.advance(FLUSH); // delivered; the first instance's lease ended with its outcome

    sender.hang("hooks.example"); // a slow receiver: the manual attempt outlives a lease
    redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.runDue();
    assertEquals(2, sender.sent().size());
    Instant taken = events.stored(record.event().id()).leaseUntil.orElseThrow();
    scheduler.advance(LEASE.multipliedBy(2).dividedBy(3).plusSeconds(1));
    assertEquals(1, (int) second.renewLeases().result(), "the manual lease is due for renewal");
    assertTrue(events.stored(record.event().id()).leaseUntil.orElseThrow().isAfter(taken));
    scheduler.advance(LEASE.dividedBy(2)); // past the lease as first taken
    assertTrue(events.takeLease(INSTANCE, TENANT, record.event().id(), clock.instant(), clock.instant().plus(LEASE))
        .result().map(lease -> !lease.taken()).orElse(false), "the first instance cannot take it meanwhile");

    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(FLUSH);
    assertEquals(Optional.empty(), events.stored(record.event().id()).leaseOwner, "ended with the outcome");
    assertEquals(List.of(1, 2), events.attempts(record.event().id()).stream().map(Attempt::attempt).toList());
  }
}
