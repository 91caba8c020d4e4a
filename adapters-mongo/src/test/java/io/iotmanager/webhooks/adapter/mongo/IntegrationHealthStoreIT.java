package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Integration health and re-queueing in the store, on the real MongoDB when {@code IOT_MANAGER_MONGO_URL}
 * is set, else on the embedded server: the batched health updates, enabling, the document the Go service
 * still reads, and setting failed or skipped deliveries pending again at a bounded rate.
 */
class IntegrationHealthStoreIT {
  @RegisterExtension
  static final TestStores.StorePerClass STORE = new TestStores.StorePerClass("health");
  /** Recent: on a real MongoDB the TTL monitor deletes events older than the retention. */
  private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
      .minusSeconds(600);
  static MongoStore store;
  static IntegrationRepository integrations;
  static EventRepository events;

  @BeforeAll
  static void open() {
    store = STORE.store();
    integrations = store.integrations();
    events = store.events();
  }

  private static Integration webhook(String tenant) {
    Integration integration = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/hook"),
            Optional.of(WebhookSecret.fromHex("deadbeef")))), "a hook");
    await(integrations.insert(integration, 1));
    return integration;
  }

  private static IntegrationHealth health(Integration integration) {
    List<MonitoredIntegration> read = await(integrations.findByTenantWithHealth(integration.tenantId()));
    assertEquals(List.of(integration.id()), read.stream().map(m -> m.integration().id()).toList());
    return read.get(0).health();
  }

  private static HealthChange failures(Integration i, int n, Instant first, Instant last) {
    return new HealthChange(i.tenantId(), i.id(), n, Optional.empty(), Optional.of(last), Optional.of(first),
        Optional.empty(), Optional.empty());
  }

  @Test
  void healthIsUpdatedPerBatchKeptBesideTheGoFieldsAndEnablingClearsTheDisabling() {
    String tenant = "tenant-" + UUID.randomUUID();
    Integration integration = webhook(tenant);
    Integration other = webhook("tenant-" + UUID.randomUUID());
    assertEquals(IntegrationHealth.NONE, health(integration));

    // two batches of failures only: counted up, failing since the first
    await(integrations.recordHealth(List.of(failures(integration, 2, T0, T0.plusSeconds(5)),
        failures(other, 1, T0, T0))));
    await(integrations.recordHealth(List.of(failures(integration, 3, T0.plusSeconds(60), T0.plusSeconds(90)))));
    IntegrationHealth failing = health(integration);
    assertEquals(5, failing.consecutiveFailures());
    assertEquals(Optional.of(T0), failing.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(90)), failing.lastFailureAt());
    assertEquals(Optional.empty(), failing.lastSuccessAt());
    assertEquals(1, health(other).consecutiveFailures(), "each integration its own update");

    // a batch with a success, then one failure: the count is what followed the success
    Instant success = T0.plusSeconds(100);
    await(integrations.recordHealth(List.of(new HealthChange(tenant, integration.id(), 1, Optional.of(success),
        Optional.of(T0.plusSeconds(101)), Optional.of(T0.plusSeconds(101)), Optional.empty(), Optional.empty()))));
    IntegrationHealth afterSuccess = health(integration);
    assertEquals(1, afterSuccess.consecutiveFailures());
    assertEquals(Optional.of(success), afterSuccess.lastSuccessAt());
    assertEquals(Optional.of(T0.plusSeconds(101)), afterSuccess.failingSince());

    // a success alone: healthy
    await(integrations.recordHealth(List.of(new HealthChange(tenant, integration.id(), 0,
        Optional.of(T0.plusSeconds(200)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))));
    IntegrationHealth healthy = health(integration);
    assertEquals(0, healthy.consecutiveFailures());
    assertEquals(Optional.empty(), healthy.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(101)), healthy.lastFailureAt(), "the last failure stays");

    // disabled with a failure; changing the credentials keeps the health
    Instant disabledAt = T0.plusSeconds(300);
    await(integrations.recordHealth(List.of(new HealthChange(tenant, integration.id(), 1, Optional.empty(),
        Optional.of(disabledAt), Optional.of(disabledAt), Optional.of(disabledAt), Optional.of("gone")))));
    assertTrue(await(integrations.updateCredentials(tenant, integration.id(),
        Credentials.http(new HttpCredentials(URI.create("https://example.com/new"), Optional.empty())))));
    IntegrationHealth disabled = health(integration);
    assertEquals(Optional.of(disabledAt), disabled.disabledAt());
    assertEquals(Optional.of("gone"), disabled.disabledReason());
    assertEquals(1, disabled.consecutiveFailures());

    // the Go service's fields are as it wrote them; ours is one field beside them
    JsonObject document = await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(integration.id())), null));
    assertEquals(Set.of("_id", "tenant_id", "provider", "credentials", "description", "health"),
        document.fieldNames());
    assertEquals(Set.of("type", "http"), document.getJsonObject("credentials").fieldNames());

    assertTrue(await(integrations.enable(tenant, integration.id())));
    IntegrationHealth enabled = health(integration);
    assertFalse(enabled.disabled());
    assertEquals(Optional.empty(), enabled.disabledReason());
    assertEquals(0, enabled.consecutiveFailures());
    assertEquals(Optional.empty(), enabled.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(200)), enabled.lastSuccessAt());
    assertFalse(await(integrations.enable("another-tenant", integration.id())), "another tenant's: not found");
    assertFalse(await(integrations.enable(tenant, UUID.randomUUID())));
  }

  private static EventRecord event(String tenant, Instant time, DeliveryStatus... deliveries) {
    UUID id = UUID.randomUUID();
    Event e = Event.create(id, tenant, EventType.DEVICE_DECOMMISSIONED, "dev-" + id,
        new JsonText("{\"id\":\"dev-" + id + "\"}"), time);
    return new EventRecord(e, List.of(deliveries));
  }

  private static DeliveryStatus failed(UUID integration) {
    return new DeliveryStatus(integration, DeliveryState.FAILED, 8, Optional.of(500),
        Optional.of("client: unexpected status code from API: 500"), Optional.empty());
  }

  private static DeliveryStatus delivered(UUID integration) {
    return new DeliveryStatus(integration, DeliveryState.DELIVERED, 1, Optional.of(200), Optional.empty(),
        Optional.empty());
  }

  @Test
  void requeueSetsTheFailedAndSkippedDeliveriesSinceATimePendingOldestFirstAtTheSpacing() {
    String tenant = "tenant-" + UUID.randomUUID();
    UUID target = UUID.randomUUID();
    UUID otherIntegration = UUID.randomUUID();
    List<EventRecord> records = new ArrayList<>();
    records.add(event(tenant, T0, failed(target)));                                   // before "since"
    records.add(event(tenant, T0.plusSeconds(20), DeliveryStatus.skipped(target)));    // queued, 2nd
    records.add(event(tenant, T0.plusSeconds(10), delivered(otherIntegration), failed(target))); // queued, 1st
    records.add(event(tenant, T0.plusSeconds(30), delivered(target)));                 // delivered: no
    records.add(event(tenant, T0.plusSeconds(40), failed(otherIntegration)));          // other integration
    records.add(event("other-" + tenant, T0.plusSeconds(50), failed(target)));         // other tenant
    await(events.insertAll(records, "owner", T0.minusSeconds(1)));

    Instant firstDue = T0.plusSeconds(3600);
    Duration spacing = Duration.ofMillis(250);
    int queued = await(events.requeue(tenant, target, T0.plusSeconds(5),
        Set.of(DeliveryState.FAILED, DeliveryState.SKIPPED), firstDue, spacing));
    assertEquals(2, queued);

    DeliveryStatus first = await(events.findById(tenant, records.get(2).event().id())).orElseThrow().deliveries().get(1);
    assertEquals(DeliveryState.PENDING, first.state());
    assertEquals(Optional.of(firstDue), first.nextAttemptAt());
    assertEquals(8, first.attempts(), "the attempts made stay counted");
    assertEquals(DeliveryState.DELIVERED,
        await(events.findById(tenant, records.get(2).event().id())).orElseThrow().deliveries().get(0).state());
    DeliveryStatus second = await(events.findById(tenant, records.get(1).event().id())).orElseThrow().deliveries().get(0);
    assertEquals(DeliveryState.PENDING, second.state());
    assertEquals(Optional.of(firstDue.plus(spacing)), second.nextAttemptAt());
    assertEquals(DeliveryState.FAILED,
        await(events.findById(tenant, records.get(0).event().id())).orElseThrow().deliveries().get(0).state());
    assertEquals(DeliveryState.FAILED,
        await(events.findById(tenant, records.get(4).event().id())).orElseThrow().deliveries().get(0).state());

    // claimable in that order, each when it is due
    assertEquals(List.of(), await(events.claimDue("me", firstDue.minusMillis(1), firstDue.plusSeconds(30), 10)));
    assertEquals(List.of(records.get(2).event().id()), await(events.claimDue("me", firstDue,
        firstDue.plusSeconds(30), 10)).stream().map(r -> r.event().id()).toList());
    assertEquals(List.of(records.get(1).event().id()), await(events.claimDue("me", firstDue.plus(spacing),
        firstDue.plusSeconds(30), 10)).stream().map(r -> r.event().id()).toList());

    // only skipped ones, as enabling asks: none left
    assertEquals(0, await(events.requeue(tenant, target, Instant.EPOCH, Set.of(DeliveryState.SKIPPED), firstDue,
        spacing)));
  }
}
