package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Durable intake (docs/wire-contract.md B1, A7) counted through the ports: how many reads and writes a call costs,
 * what the stored events carry, and that the hand-off to the dispatcher follows a successful write only.
 */
class RecordDeviceEventsServiceTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final String INSTANCE = "instance-1";

  private final FakeIntegrations integrations = new FakeIntegrations();
  private final FakeEvents events = new FakeEvents();
  private final FakeQueue queue = new FakeQueue(events);
  private final RecordDeviceEventsService service = new RecordDeviceEventsService(integrations, events, queue,
      Clock.fixed(NOW, ZoneOffset.UTC), sequentialIds(), INSTANCE, LEASE);

  @Test
  void aBulkCallOfOneHundredDevicesIsOneBatchedWrite() {
    Integration webhook = integrations.add(webhook("t1"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 100)));

    assertEquals(100, stored);
    assertEquals(1, integrations.reads, "the tenant's integrations are read once per call");
    assertEquals(1, events.insertCalls.size(), "one insertAll for the whole batch");
    List<EventRecord> batch = events.insertCalls.get(0);
    assertEquals(100, batch.size());
    assertEquals(IntStream.range(0, 100).mapToObj(i -> "dev-" + i).toList(),
        batch.stream().map(r -> r.event().deviceId()).toList());
    assertEquals(100, batch.stream().map(r -> r.event().id()).distinct().count(), "every event has its own id");
    batch.forEach(r -> assertEquals(List.of(DeliveryStatus.pending(webhook.id(), NOW)), r.deliveries()));
    assertEquals(List.of(INSTANCE), events.leaseOwners, "claimed at birth by this instance");
    assertEquals(List.of(NOW.plus(LEASE)), events.leaseUntils);
    assertEquals(1, queue.submitted.size(), "one hand-off for the batch");
    assertEquals(batch, queue.submitted.get(0));
  }

  @Test
  void theEventBodyIsTheWebhookBodyWithTheDataAsGiven() {
    integrations.add(webhook("t1"));

    succeeded(service.recordDeviceEvents(new RecordDeviceEventsCommand("t1", EventType.DEVICE_DECOMMISSIONED,
        List.of(new DeviceEventData("dev1", new JsonText("{\"id\":\"dev1\"}"))))));

    EventRecord record = events.insertCalls.get(0).get(0);
    assertEquals("{\"id\":\"00000000-0000-0000-0000-000000000001\",\"type\":\"device-decommissioned\","
        + "\"data\":{\"id\":\"dev1\"},\"time\":\"2024-01-01T00:00:00Z\"}", record.event().body());
    assertEquals("t1", record.event().tenantId());
    assertEquals(NOW, record.event().time());
  }

  @Test
  void aTenantWithoutIntegrationsCostsNoWriteAndNoHandOff() {
    integrations.add(webhook("someone-else"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 100)));

    assertEquals(0, stored);
    assertEquals(1, integrations.reads);
    assertEquals(List.of(), events.insertCalls, "no write");
    assertEquals(List.of(), queue.submitted, "nothing to deliver");
  }

  @Test
  void anEmptyBulkCallCostsNothing() {
    integrations.add(webhook("t1"));

    assertEquals(0, succeeded(service.recordDeviceEvents(statusChanged("t1", 0))));

    assertEquals(0, integrations.reads);
    assertEquals(List.of(), events.insertCalls);
    assertEquals(List.of(), queue.submitted);
  }

  @Test
  void eachEventCarriesOnePendingDeliveryPerWebhookIntegrationOnly() {
    Integration first = integrations.add(webhook("t1"));
    integrations.add(iotHub("t1"));
    Integration second = integrations.add(webhook("t1"));

    succeeded(service.recordDeviceEvents(statusChanged("t1", 3)));

    for (EventRecord record : events.insertCalls.get(0)) {
      assertEquals(List.of(first.id(), second.id()),
          record.deliveries().stream().map(DeliveryStatus::integrationId).toList());
      for (DeliveryStatus d : record.deliveries()) {
        assertEquals(DeliveryState.PENDING, d.state());
        assertFalse(d.success());
        assertEquals(0, d.attempts());
        assertEquals(Optional.of(NOW), d.nextAttemptAt(), "due at once");
        assertEquals(Optional.empty(), d.statusCode());
        assertEquals(Optional.empty(), d.error());
      }
    }
  }

  /**
   * A7 keeps out of the log only the events of a tenant "without integrations"; a tenant whose only
   * integrations are iot-hub/iot-core has integrations, so its events are logged (as the original does),
   * with no delivery status, since those providers are never called (A3). Nothing is handed to the
   * dispatcher for them: there is nothing to attempt.
   */
  @Test
  void aTenantWithOnlyNonWebhookIntegrationsLogsItsEventsWithoutDeliveries() {
    integrations.add(iotHub("t1"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 2)));

    assertEquals(2, stored);
    assertEquals(1, events.insertCalls.size());
    events.insertCalls.get(0).forEach(r -> assertEquals(List.of(), r.deliveries()));
    assertEquals(List.of(), queue.submitted, "nothing to deliver");
  }

  @Test
  void theHandOffHappensOnlyAfterTheWriteSucceeds() {
    integrations.add(webhook("t1"));
    Promise<Void> write = Promise.promise();
    events.nextInsert = write.future();

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 2));

    assertEquals(1, events.insertCalls.size(), "the write was issued");
    assertFalse(call.isComplete(), "no answer before the store acknowledged");
    assertEquals(List.of(), queue.submitted, "nothing handed off before the store acknowledged");

    write.complete();

    assertEquals(2, succeeded(call));
    assertEquals(List.of(events.insertCalls.get(0)), queue.submitted);
  }

  @Test
  void aFailedWriteFailsTheCallAndHandsNothingOff() {
    integrations.add(webhook("t1"));
    ApplicationException.StoreUnavailable down = new ApplicationException.StoreUnavailable(
        "store unavailable: cannot store events", null);
    events.nextInsert = Future.failedFuture(down);

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 100));

    assertTrue(call.failed());
    assertSame(down, call.cause(), "the store's failure reaches the caller unchanged (HTTP maps it to 503)");
    assertEquals(1, events.insertCalls.size());
    assertEquals(List.of(), queue.submitted);
  }

  @Test
  void aFailedIntegrationReadFailsTheCallWithoutAnyWrite() {
    ApplicationException.StoreUnavailable down = new ApplicationException.StoreUnavailable(
        "store unavailable: cannot read integrations", null);
    integrations.failure = down;

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 1));

    assertTrue(call.failed());
    assertInstanceOf(ApplicationException.StoreUnavailable.class, call.cause());
    assertEquals(List.of(), events.insertCalls);
    assertEquals(List.of(), queue.submitted);
  }

  // ---------------------------------------------------------------- helpers

  private static RecordDeviceEventsCommand statusChanged(String tenant, int devices) {
    List<DeviceEventData> data = IntStream.range(0, devices)
        .mapToObj(i -> new DeviceEventData("dev-" + i, new JsonText("{\"id\":\"dev-" + i + "\",\"status\":\"accepted\"}")))
        .toList();
    return new RecordDeviceEventsCommand(tenant, EventType.DEVICE_STATUS_CHANGED, data);
  }

  private static final AtomicLong INTEGRATION_IDS = new AtomicLong(1000);

  private static Integration webhook(String tenant) {
    return new Integration(new UUID(1, INTEGRATION_IDS.incrementAndGet()), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/hook"), Optional.empty())), "");
  }

  private static Integration iotHub(String tenant) {
    return new Integration(new UUID(1, INTEGRATION_IDS.incrementAndGet()), tenant, Provider.IOT_HUB,
        new Credentials(CredentialType.SAS, Optional.empty(), Map.of("connection_string", "HostName=x")), "");
  }

  private static Supplier<UUID> sequentialIds() {
    AtomicLong next = new AtomicLong();
    return () -> new UUID(0, next.incrementAndGet());
  }

  private static <T> T succeeded(Future<T> future) {
    assertTrue(future.isComplete(), "the fakes answer at once");
    if (future.failed()) {
      throw new AssertionError("expected success", future.cause());
    }
    return future.result();
  }

  /** Integrations by tenant, counting reads. */
  private static final class FakeIntegrations implements IntegrationRepository {
    private final Map<String, List<Integration>> byTenant = new HashMap<>();
    int reads;
    RuntimeException failure;

    Integration add(Integration integration) {
      byTenant.computeIfAbsent(integration.tenantId(), t -> new ArrayList<>()).add(integration);
      return integration;
    }

    @Override
    public Future<List<Integration>> findByTenant(String tenantId) {
      reads++;
      return failure != null ? Future.failedFuture(failure)
          : Future.succeededFuture(List.copyOf(byTenant.getOrDefault(tenantId, List.of())));
    }

    @Override
    public Future<Void> insert(Integration integration, int maxPerTenant) {
      return unexpected();
    }

    @Override
    public Future<Optional<Integration>> findById(String tenantId, UUID id) {
      return unexpected();
    }

    @Override
    public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
      return unexpected();
    }

    @Override
    public Future<Boolean> delete(String tenantId, UUID id) {
      return unexpected();
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return unexpected();
    }
  }

  /** Records every insertAll call; answers with {@link #nextInsert} (success by default). */
  private static final class FakeEvents implements EventRepository {
    final List<List<EventRecord>> insertCalls = new ArrayList<>();
    final List<String> leaseOwners = new ArrayList<>();
    final List<Instant> leaseUntils = new ArrayList<>();
    final List<EventRecord> stored = new ArrayList<>();
    Future<Void> nextInsert = Future.succeededFuture();

    @Override
    public Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil) {
      insertCalls.add(List.copyOf(events));
      leaseOwners.add(leaseOwner);
      leaseUntils.add(leaseUntil);
      return nextInsert.onSuccess(v -> stored.addAll(events));
    }

    @Override
    public Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId) {
      return unexpected();
    }

    @Override
    public Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
      return unexpected();
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return unexpected();
    }

    @Override
    public Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
      return unexpected();
    }

    @Override
    public Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes) {
      return unexpected();
    }

    @Override
    public Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
      return unexpected();
    }

    @Override
    public Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
      return unexpected();
    }
  }

  /** Records hand-offs, and fails the test if anything is handed off that the store does not hold yet. */
  private static final class FakeQueue implements DeliveryQueue {
    private final FakeEvents store;
    final List<List<EventRecord>> submitted = new ArrayList<>();

    FakeQueue(FakeEvents store) {
      this.store = store;
    }

    @Override
    public void submit(List<EventRecord> records) {
      if (!store.stored.containsAll(records)) {
        throw new AssertionError("handed off before the store acknowledged: " + records);
      }
      submitted.add(List.copyOf(records));
    }
  }

  private static <T> Future<T> unexpected() {
    return Future.failedFuture(new AssertionError("intake must not call this"));
  }
}
