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
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationScope;
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

  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final FakeQueue queue = new FakeQueue(events);
  private final RecordDeviceEventsService service = new RecordDeviceEventsService(integrations, events, queue,
      Clock.fixed(NOW, ZoneOffset.UTC), sequentialIds(), INSTANCE, LEASE);

  @Test
  void aBulkCallOfOneHundredDevicesIsOneBatchedWrite() {
    Integration webhook = add(webhook("t1"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 100)));

    assertEquals(100, stored);
    assertEquals(1, integrations.tenantReads(), "the tenant's integrations are read once per call");
    assertEquals(1, events.inserts().size(), "one insertAll for the whole batch");
    List<EventRecord> batch = events.inserts().get(0).records();
    assertEquals(100, batch.size());
    assertEquals(IntStream.range(0, 100).mapToObj(i -> "dev-" + i).toList(),
        batch.stream().map(r -> r.event().deviceId()).toList());
    assertEquals(100, batch.stream().map(r -> r.event().id()).distinct().count(), "every event has its own id");
    batch.forEach(r -> assertEquals(List.of(DeliveryStatus.pending(webhook.id(), NOW)), r.deliveries()));
    assertEquals(List.of(INSTANCE), events.inserts().stream().map(InMemoryEventRepository.Insert::leaseOwner).toList(), "claimed at birth by this instance");
    assertEquals(List.of(NOW.plus(LEASE)), events.inserts().stream().map(InMemoryEventRepository.Insert::leaseUntil).toList());
    assertEquals(1, queue.submitted.size(), "one hand-off for the batch");
    assertEquals(batch, queue.submitted.get(0));
  }

  @Test
  void withTheDispatcherFullEventsAreStoredClaimableAtOnceAndLeftToItsPoll() {
    add(webhook("t1"));
    queue.room = false;

    assertEquals(100, succeeded(service.recordDeviceEvents(statusChanged("t1", 100))));

    assertEquals(List.of(NOW), events.inserts().stream().map(InMemoryEventRepository.Insert::leaseUntil).toList(),
        "a lease that has already ended: no write is needed to release it");
    assertEquals(List.of(), queue.submitted, "not handed over");
    assertEquals(1, queue.leftInStore, "the dispatcher is told, so that it polls once it has room");
    assertEquals(100, new ClaimDueDeliveriesService(events, command -> io.vertx.core.Future.succeededFuture(),
        Clock.fixed(NOW.plusMillis(1), ZoneOffset.UTC), "instance-2", LEASE)
        .claimDueDeliveries(new io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand(1000)).result(),
        "any instance's poll claims them at once");
  }

  @Test
  void theEventBodyIsTheWebhookBodyWithTheDataAsGiven() {
    add(webhook("t1"));

    succeeded(service.recordDeviceEvents(new RecordDeviceEventsCommand("t1", EventType.DEVICE_DECOMMISSIONED,
        List.of(new DeviceEventData("dev1", new JsonText("{\"id\":\"dev1\"}"))))));

    EventRecord record = events.inserts().get(0).records().get(0);
    assertEquals("{\"id\":\"00000000-0000-0000-0000-000000000001\",\"type\":\"device-decommissioned\","
        + "\"data\":{\"id\":\"dev1\"},\"time\":\"2024-01-01T00:00:00Z\"}", record.event().body());
    assertEquals("t1", record.event().tenantId());
    assertEquals(NOW, record.event().time());
  }

  @Test
  void aTenantWithoutIntegrationsCostsNoWriteAndNoHandOff() {
    add(webhook("someone-else"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 100)));

    assertEquals(0, stored);
    assertEquals(1, integrations.tenantReads());
    assertEquals(List.of(), events.inserts(), "no write");
    assertEquals(List.of(), queue.submitted, "nothing to deliver");
  }

  @Test
  void anEmptyBulkCallCostsNothing() {
    add(webhook("t1"));

    assertEquals(0, succeeded(service.recordDeviceEvents(statusChanged("t1", 0))));

    assertEquals(0, integrations.tenantReads());
    assertEquals(List.of(), events.inserts());
    assertEquals(List.of(), queue.submitted);
  }

  @Test
  void eachEventCarriesOnePendingDeliveryPerWebhookIntegrationOnly() {
    Integration first = add(webhook("t1"));
    add(iotHub("t1"));
    Integration second = add(webhook("t1"));

    succeeded(service.recordDeviceEvents(statusChanged("t1", 3)));

    for (EventRecord record : events.inserts().get(0).records()) {
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
   * Scopes (Mender Enterprise's {@code deviceauth}, {@code inventory}): every event taken in is a device
   * lifecycle event, so it goes to the integrations with {@code deviceauth} among their scopes, without
   * scopes, or with an empty list of them (no restriction), and not to one scoped to {@code inventory} only.
   */
  @Test
  void deviceEventsGoOnlyToIntegrationsWhoseScopesTakeThem() {
    Integration inventoryOnly = add(scoped("t1", Optional.of(List.of(IntegrationScope.INVENTORY))));
    Integration deviceauth = add(scoped("t1", Optional.of(List.of(IntegrationScope.DEVICEAUTH))));
    Integration both = add(scoped("t1", Optional.of(List.of(IntegrationScope.INVENTORY, IntegrationScope.DEVICEAUTH))));
    Integration unscoped = add(webhook("t1"));
    Integration emptyScopes = add(scoped("t1", Optional.of(List.of())));

    succeeded(service.recordDeviceEvents(statusChanged("t1", 2)));

    for (EventRecord record : events.inserts().get(0).records()) {
      List<UUID> targets = record.deliveries().stream().map(DeliveryStatus::integrationId).toList();
      assertEquals(List.of(deviceauth.id(), both.id(), unscoped.id(), emptyScopes.id()), targets);
      assertFalse(targets.contains(inventoryOnly.id()));
    }
    assertEquals(1, queue.submitted.size());
  }

  /** A tenant whose only webhook takes inventory events logs device events as for other providers: no delivery. */
  @Test
  void aTenantWithOnlyAnInventoryScopedWebhookLogsDeviceEventsWithoutDeliveries() {
    add(scoped("t1", Optional.of(List.of(IntegrationScope.INVENTORY))));

    assertEquals(1, succeeded(service.recordDeviceEvents(statusChanged("t1", 1))));

    events.inserts().get(0).records().forEach(r -> assertEquals(List.of(), r.deliveries()));
    assertEquals(List.of(), queue.submitted, "nothing to deliver");
  }

  /**
   * A7 keeps out of the log only the events of a tenant "without integrations"; a tenant whose only
   * integrations are iot-hub/iot-core has integrations, so its events are logged (as the original does),
   * with no delivery status, since those providers are never called (A3). Nothing is handed to the
   * dispatcher for them: there is nothing to attempt.
   */
  @Test
  void aTenantWithOnlyNonWebhookIntegrationsLogsItsEventsWithoutDeliveries() {
    add(iotHub("t1"));

    int stored = succeeded(service.recordDeviceEvents(statusChanged("t1", 2)));

    assertEquals(2, stored);
    assertEquals(1, events.inserts().size());
    events.inserts().get(0).records().forEach(r -> assertEquals(List.of(), r.deliveries()));
    assertEquals(List.of(), queue.submitted, "nothing to deliver");
  }

  @Test
  void theHandOffHappensOnlyAfterTheWriteSucceeds() {
    add(webhook("t1"));
    Promise<Void> write = Promise.promise();
    events.answerNextInsert(write.future());

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 2));

    assertEquals(1, events.inserts().size(), "the write was issued");
    assertFalse(call.isComplete(), "no answer before the store acknowledged");
    assertEquals(List.of(), queue.submitted, "nothing handed off before the store acknowledged");

    write.complete();

    assertEquals(2, succeeded(call));
    assertEquals(List.of(events.inserts().get(0).records()), queue.submitted);
  }

  @Test
  void aFailedWriteFailsTheCallAndHandsNothingOff() {
    add(webhook("t1"));
    ApplicationException.StoreUnavailable down = new ApplicationException.StoreUnavailable(
        "store unavailable: cannot store events", null);
    events.answerNextInsert(Future.failedFuture(down));

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 100));

    assertTrue(call.failed());
    assertSame(down, call.cause(), "the store's failure reaches the caller unchanged (HTTP maps it to 503)");
    assertEquals(1, events.inserts().size());
    assertEquals(List.of(), queue.submitted);
  }

  @Test
  void aFailedIntegrationReadFailsTheCallWithoutAnyWrite() {
    ApplicationException.StoreUnavailable down = new ApplicationException.StoreUnavailable(
        "store unavailable: cannot read integrations", null);
    integrations.failReads(down);

    Future<Integer> call = service.recordDeviceEvents(statusChanged("t1", 1));

    assertTrue(call.failed());
    assertInstanceOf(ApplicationException.StoreUnavailable.class, call.cause());
    assertEquals(List.of(), events.inserts());
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

  private static Integration scoped(String tenant, Optional<List<IntegrationScope>> scopes) {
    return new Integration(new UUID(1, INTEGRATION_IDS.incrementAndGet()), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/hook"), Optional.empty())), "", scopes);
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

  /** Records hand-offs, and fails the test if anything is handed off that the store does not hold yet. */
  private static final class FakeQueue implements DeliveryQueue {
    private final InMemoryEventRepository store;
    final List<List<EventRecord>> submitted = new ArrayList<>();
    boolean room = true;
    int leftInStore;

    @Override
    public boolean hasRoom() {
      return room;
    }

    @Override
    public void leftInStore() {
      leftInStore++;
    }

    FakeQueue(InMemoryEventRepository store) {
      this.store = store;
    }

    @Override
    public void submit(List<EventRecord> records) {
      if (!store.holds(records)) {
        throw new AssertionError("handed off before the store acknowledged: " + records);
      }
      submitted.add(List.copyOf(records));
    }
  }

  private Integration add(Integration integration) {
    integrations.put(integration);
    return integration;
  }
}
