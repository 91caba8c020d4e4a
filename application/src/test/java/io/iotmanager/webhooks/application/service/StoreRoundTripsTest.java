package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The store round trips the README promises for bulk intake, counted through the ports: at most 0.05
 * store commands and exactly 2 document writes (the event, its outcome) per delivered event. Per call of
 * 100 events: the intake's read of the integrations and its insert, the engine's read of the
 * integrations when the attempts start (current credentials), and half an outcome write (batches of 200): 0.035.
 */
class StoreRoundTripsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong documentWrites = new AtomicLong();
  private final List<DeliveryOutcome> outcomes = new ArrayList<>();
  private final ArrayDeque<Runnable> timers = new ArrayDeque<>();
  /** Tasks for the next turn of the engine's context (zero delay). */
  private final ArrayDeque<Runnable> nextTurn = new ArrayDeque<>();
  private final Integration webhook = new Integration(UUID.randomUUID(), "acme", Provider.WEBHOOK,
      Credentials.http(new HttpCredentials(URI.create("http://receiver.example/hook"), Optional.empty())), "");

  @Test
  void bulkIntakeAndFirstTimeDeliveryCostFewCommandsAndTwoWritesPerEvent() {
    DeliverEventsService engine = Engines.create(integrations(), events(),
        request -> Future.succeededFuture(WebhookResponse.status(200, Optional.empty(), 1)),
        (delay, task) -> (delay.isZero() ? nextTurn : timers).add(task), CLOCK, RetryPolicy.defaults(), () -> 0.5,
        new DeliverySettings("me", Duration.ofSeconds(60), Duration.ofSeconds(10), 256, 32, false, "test",
            Duration.ofMinutes(15), 1000, 200, Duration.ofMillis(5)),
        DeliveryMetrics.NONE);
    AtomicLong ids = new AtomicLong();
    RecordDeviceEventsService intake = new RecordDeviceEventsService(integrations(), events(),
        stored -> engine.deliverEvents(DeliverEventsCommand.auto(stored)), CLOCK,
        () -> new UUID(0, ids.incrementAndGet()), "me", Duration.ofSeconds(60));

    int calls = 10;
    for (int call = 0; call < calls; call++) {
      List<DeviceEventData> devices = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "dev-" + call + "-" + i;
        devices.add(new DeviceEventData(id, new JsonText("{\"id\":\"" + id + "\",\"status\":\"accepted\"}")));
      }
      assertEquals(100, intake.recordDeviceEvents(
          new RecordDeviceEventsCommand("acme", EventType.DEVICE_STATUS_CHANGED, devices)).result());
      while (!nextTurn.isEmpty()) {
        nextTurn.poll().run(); // each call is a turn of its own: the integrations are read again for it
      }
    }
    while (!timers.isEmpty() || !nextTurn.isEmpty()) {
      (nextTurn.isEmpty() ? timers : nextTurn).poll().run();
    }

    int events = calls * 100;
    assertEquals(events, outcomes.size(), "every event's outcome was written");
    assertTrue(outcomes.stream().allMatch(o -> o.changed().values().stream()
        .allMatch(s -> s.state() == DeliveryState.DELIVERED)), "all delivered");
    assertEquals(2.0, documentWrites.get() / (double) events, "document writes per delivered event");
    double perEvent = commands.get() / (double) events;
    assertTrue(perEvent <= 0.05, "store commands per delivered event: " + perEvent);
    assertEquals(0.035, perEvent, 1e-9, "store commands per delivered event");
  }

  private IntegrationRepository integrations() {
    return new IntegrationRepository() {
      @Override
      public Future<Void> insert(Integration integration, int maxPerTenant) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<List<Integration>> findByTenant(String tenantId) {
        commands.incrementAndGet();
        return Future.succeededFuture(List.of(webhook));
      }

      @Override
      public Future<Optional<Integration>> findById(String tenantId, UUID id) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Boolean> delete(String tenantId, UUID id) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> deleteTenant(String tenantId) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private EventRepository events() {
    return new EventRepository() {
      @Override
      public Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil) {
        commands.incrementAndGet();
        documentWrites.addAndGet(events.size());
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> recordOutcomes(List<DeliveryOutcome> batch) {
        commands.incrementAndGet();
        documentWrites.addAndGet(batch.size());
        outcomes.addAll(batch);
        return Future.succeededFuture();
      }

      @Override
      public Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> deleteTenant(String tenantId) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Optional<LeaseTake>> takeLease(String owner, String tenantId, UUID eventId, Instant now,
          Instant leaseUntil) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
