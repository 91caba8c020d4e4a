package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the engine's leases on work waiting in memory cost the store: a lease is renewed only when it
 * would run out before the next renewal (never for work attempted soon after it arrived), a renewal on a
 * store only this process opens holds the work for the held lease (renewed once, not every few seconds),
 * and events the engine has no room for are released at once, in one command per hand-off.
 */
class HeldWorkLeasesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TENANT = "t1";
  private static final String ME = "instance-1";
  private static final Duration LEASE = Duration.ofSeconds(12);
  /** How often the driver renews: a third of the lease. */
  private static final Duration TICK = LEASE.dividedBy(3);

  private final ManualClock clock = new ManualClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeWebhookSender sender = new FakeWebhookSender(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
  private final Integration slow = new Integration(UUID.randomUUID(), TENANT, Provider.WEBHOOK,
      Credentials.http(new HttpCredentials(URI.create("https://slow.example/hook"), Optional.empty())), "");

  HeldWorkLeasesTest() {
    integrations.put(slow);
    sender.hang("slow.example");
  }

  private DeliverEventsService engine(Duration heldLease) {
    DeliverySettings settings = new DeliverySettings(ME, LEASE, Duration.ofSeconds(10), 64, 1, false, "test",
        Duration.ofMinutes(15), 1000, 200, Duration.ofMillis(5)).withHeldLease(heldLease);
    return Engines.create(integrations, events, sender, scheduler, clock, RetryPolicy.of("5s", 0), () -> 0.5,
        settings, DeliveryMetrics.NONE);
  }

  /** Events stored as intake stores them, claimed at birth by this instance until {@code leaseUntil}. */
  private List<EventRecord> stored(int n, Instant leaseUntil) {
    List<EventRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID id = UUID.randomUUID();
      Event event = Event.create(id, TENANT, EventType.DEVICE_DECOMMISSIONED, "dev-" + id,
          new JsonText("{\"id\":\"dev-" + id + "\"}"), clock.instant());
      records.add(new EventRecord(event, List.of(DeliveryStatus.pending(slow.id(), clock.instant()))));
    }
    events.insertAll(records, ME, leaseUntil);
    return records;
  }

  private Instant lease(EventRecord record) {
    return events.stored(record.event().id()).leaseUntil.orElseThrow();
  }

  @Test
  void aLeaseIsRenewedOnlyWhenItWouldRunOutBeforeTheRenewalAfterNext() {
    DeliverEventsService engine = engine(LEASE);
    Instant birth = clock.instant().plus(LEASE);
    List<EventRecord> records = stored(3, birth);
    engine.deliverEvents(DeliverEventsCommand.auto(records, birth));
    assertEquals(1, sender.sent().size(), "one in flight to the slow host, two waiting behind it");

    assertEquals(0, engine.renewLeases().result(), "12 s left: not renewed");
    scheduler.advance(TICK);
    assertEquals(0, engine.renewLeases().result(), "8 s left: still outlasts the next renewal with a third to spare");
    assertEquals(0, events.leaseExtensions, "no store command while no lease needs it");

    scheduler.advance(TICK);
    assertEquals(3, engine.renewLeases().result(), "4 s left: renewed");
    assertEquals(1, events.leaseExtensions, "in one command");
    records.forEach(r -> assertEquals(clock.instant().plus(LEASE), lease(r)));

    scheduler.advance(TICK);
    assertEquals(0, engine.renewLeases().result(), "just renewed");
    scheduler.advance(TICK);
    assertEquals(3, engine.renewLeases().result(), "every two renewal ticks, not every tick");
    assertEquals(0, new ClaimDueDeliveriesService(events, engine, clock, "instance-2", LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(100)).result(),
        "past the birth lease, another instance still cannot claim work that waits here");
  }

  @Test
  void aLeaseNotKnownHereIsRenewedAtTheNextTick() {
    DeliverEventsService engine = engine(LEASE);
    List<EventRecord> records = stored(2, clock.instant().plus(LEASE));
    engine.deliverEvents(DeliverEventsCommand.auto(records));
    assertEquals(2, engine.renewLeases().result());
    assertEquals(0, engine.renewLeases().result(), "known from then on");
  }

  @Test
  void onAStoreOnlyThisProcessOpensWaitingWorkIsRenewedOnceForTheHeldLease() {
    Duration held = Duration.ofMinutes(2);
    DeliverEventsService engine = engine(held);
    Instant birth = clock.instant().plus(LEASE);
    List<EventRecord> records = stored(3, birth);
    engine.deliverEvents(DeliverEventsCommand.auto(records, birth));

    int renewed = 0;
    Instant firstRenewal = null;
    for (int tick = 0; tick < 25; tick++) { // 100 s of waiting behind the slow host
      int n = engine.renewLeases().result();
      if (n > 0 && firstRenewal == null) {
        firstRenewal = clock.instant();
      }
      renewed += n;
      scheduler.advance(TICK);
    }

    assertEquals(3, renewed, "each waiting event renewed once in 100 s (every 4 s before)");
    assertEquals(1, events.leaseExtensions, "one store command");
    for (EventRecord r : records) {
      assertEquals(firstRenewal.plus(held), lease(r), "held for the held lease from the renewal");
    }
  }

  @Test
  void aRetryHeldInMemoryIsLeasedUntilItIsDuePlusTheHeldLeaseAndNotRenewedMeanwhile() {
    Duration held = Duration.ofMinutes(2);
    DeliverEventsService engine = engine(held);
    Instant birth = clock.instant().plus(held);
    List<EventRecord> records = stored(1, birth);
    engine.deliverEvents(DeliverEventsCommand.auto(records, birth));

    sender.completeHanging(FakeWebhookSender.status(503));
    scheduler.advance(Duration.ofMillis(5)); // the outcome is written
    assertEquals(T0.plusSeconds(5).plus(held), lease(records.get(0)), "retry due in 5 s, held 2 minutes past it");
    for (int tick = 0; tick < 25; tick++) { // 100 s on the clock, the retry's timer not run
      assertEquals(0, engine.renewLeases().result());
      clock.advance(TICK);
    }
  }

  @Test
  void eventsTheEngineHasNoRoomForAreReleasedInOneCommandAndAnotherInstanceClaimsThemAtOnce() {
    DeliverEventsService engine = engine(LEASE);
    Instant birth = clock.instant().plus(LEASE);
    List<EventRecord> taken = stored(1, birth);
    engine.deliverEvents(DeliverEventsCommand.auto(taken, birth));
    List<EventRecord> refused = stored(300, birth);
    List<EventRecord> handedOverAgain = new ArrayList<>(refused);
    handedOverAgain.addAll(taken); // one the engine holds: its lease stays

    assertEquals(300, engine.releaseLeases(handedOverAgain, birth).result());

    assertEquals(1, events.leaseReleases.size(), "one store command for the hand-off");
    assertEquals(Optional.of(birth), events.stored(taken.get(0).event().id()).leaseUntil);
    assertEquals(300, new ClaimDueDeliveriesService(events, engine(LEASE), clock, "instance-2", LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(1000)).result(),
        "claimable at once, not after the birth lease");
  }

  @Test
  void aReleaseLeavesALeaseGivenSinceAlone() {
    DeliverEventsService engine = engine(LEASE);
    Instant birth = clock.instant().plus(LEASE);
    List<EventRecord> records = stored(1, birth);
    scheduler.advance(LEASE.plusSeconds(1));
    assertEquals(1, new ClaimDueDeliveriesService(events, engine(LEASE), clock, "instance-2", LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(10)).result(), "claimed once the birth lease ran out");

    engine.releaseLeases(records, birth);

    assertEquals(Optional.of("instance-2"), events.stored(records.get(0).event().id()).leaseOwner);
    assertEquals(0, new ClaimDueDeliveriesService(events, engine(LEASE), clock, "instance-3", LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(10)).result(), "still held by the instance that claimed it");
  }

  @Test
  void aBacklogWatcherRunsOnceTheBacklogIsBelowItsMark() {
    DeliverEventsService engine = engine(LEASE);
    Instant birth = clock.instant().plus(LEASE);
    engine.deliverEvents(DeliverEventsCommand.auto(stored(3, birth), birth));
    assertEquals(3, engine.backlog());
    int[] runs = new int[1];

    engine.whenBacklogBelow(2, () -> runs[0]++);
    scheduler.runDue();
    assertEquals(0, runs[0], "3 held, not below 2");

    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(Duration.ofMillis(5)); // the outcome is written: the event leaves the backlog
    assertEquals(2, engine.backlog());
    assertEquals(0, runs[0], "2 is not below 2");

    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(Duration.ofMillis(5));
    assertEquals(1, engine.backlog());
    assertEquals(1, runs[0], "below the mark: runs");

    sender.completeHanging(FakeWebhookSender.status(200));
    scheduler.advance(Duration.ofMillis(5));
    assertEquals(1, runs[0], "once");

    engine.whenBacklogBelow(1, () -> runs[0]++);
    assertEquals(1, runs[0], "on a turn of its own");
    scheduler.runDue();
    assertEquals(2, runs[0], "at once when the backlog is already below the mark");
    assertTrue(sender.sent().size() == 3);
  }
}
