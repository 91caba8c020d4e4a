package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.iotmanager.webhooks.domain.JsonText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationScope;
import io.iotmanager.webhooks.domain.PreviousSecret;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MongoIntegrationRepositoryIT {
  @RegisterExtension
  static final TestStores.StorePerClass STORE = new TestStores.StorePerClass("integrations");
  static MongoStore store;
  static IntegrationRepository repository;

  @BeforeAll
  static void open() {
    store = STORE.store();
    repository = store.integrations();
  }

  static Integration webhook(String tenant, String url, Optional<WebhookSecret> secret) {
    return new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create(url), secret)), "a hook");
  }

  static String tenant() {
    return "tenant-" + UUID.randomUUID();
  }

  @Test
  void storesReadsUpdatesAndDeletesAnIntegration() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/hook", Optional.of(WebhookSecret.fromHex("deadbeef")));
    await(repository.insert(integration, 1));

    Integration found = await(repository.findById(tenant, integration.id())).orElseThrow();
    assertEquals(integration.id(), found.id());
    assertEquals(tenant, found.tenantId());
    assertEquals(Provider.WEBHOOK, found.provider());
    assertEquals("a hook", found.description());
    HttpCredentials http = found.credentials().http().orElseThrow();
    assertEquals(URI.create("https://example.com/hook"), http.url());
    assertEquals("deadbeef", http.secret().orElseThrow().toHex());
    assertEquals(List.of(found.id()), await(repository.findByTenant(tenant)).stream().map(Integration::id).toList());

    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("http://other.example/x"), Optional.empty()));
    assertTrue(await(repository.updateCredentials(tenant, integration.id(), replaced)));
    HttpCredentials updated = await(repository.findById(tenant, integration.id())).orElseThrow()
        .credentials().http().orElseThrow();
    assertEquals(URI.create("http://other.example/x"), updated.url());
    assertTrue(updated.secret().isEmpty());

    assertTrue(await(repository.delete(tenant, integration.id())));
    assertTrue(await(repository.findById(tenant, integration.id())).isEmpty());
    assertFalse(await(repository.delete(tenant, integration.id())));
    assertFalse(await(repository.updateCredentials(tenant, integration.id(), replaced)));
  }

  @Test
  void storesTheDocumentShapeOfTheGoService() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/hook", Optional.of(WebhookSecret.fromHex("DEADbeef")));
    await(repository.insert(integration, 1));

    JsonObject document = await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(integration.id())), null));
    assertEquals(Set.of("_id", "tenant_id", "provider", "credentials", "description"), document.fieldNames());
    assertEquals(integration.id(), DocumentValues.requiredUuid(document, "_id"));
    assertEquals(4, document.getJsonObject("_id").getInteger("$type"), "BinData subtype 4");
    assertEquals(tenant, document.getString("tenant_id"));
    assertEquals("webhook", document.getString("provider"));
    assertEquals("a hook", document.getString("description"));
    JsonObject credentials = document.getJsonObject("credentials");
    assertEquals(Set.of("type", "http"), credentials.fieldNames());
    assertEquals("http", credentials.getString("type"));
    JsonObject http = credentials.getJsonObject("http");
    assertEquals("https://example.com/hook", http.getString("url"));
    JsonObject secret = http.getJsonObject("secret");
    assertEquals(Set.of("algorithm", "data"), secret.fieldNames());
    assertEquals("AES_256_CFB_HMAC_SHA512", secret.getString("algorithm"), "the label, even without a key");
    assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef},
        DocumentValues.optionalBinary(secret, "data").orElseThrow(), "without a key, the secret's bytes");
    assertEquals(0, secret.getJsonObject("data").getInteger("$type"), "BinData subtype 0");

    Integration undescribed = new Integration(UUID.randomUUID(), tenant(), Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/x"), Optional.empty())), "");
    await(repository.insert(undescribed, 1));
    JsonObject bare = await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(undescribed.id())), null));
    assertFalse(bare.containsKey("description"), "an empty description is absent, as the Go service writes it");
    assertFalse(bare.getJsonObject("credentials").getJsonObject("http").containsKey("secret"));
  }

  @Test
  void anEmptySecretIsKeptAndAnAbsentOneStaysAbsent() {
    String tenant = tenant();
    Integration empty = webhook(tenant, "https://example.com/a", Optional.of(WebhookSecret.fromHex("")));
    Integration none = webhook(tenant, "https://example.com/b", Optional.empty());
    await(repository.insert(empty, 2));
    await(repository.insert(none, 2));
    assertEquals(Optional.of(WebhookSecret.fromHex("")),
        await(repository.findById(tenant, empty.id())).orElseThrow().credentials().http().orElseThrow().secret());
    assertEquals(Optional.empty(),
        await(repository.findById(tenant, none.id())).orElseThrow().credentials().http().orElseThrow().secret());
  }

  @Test
  void keepsOtherProvidersCredentialsAsOpaqueFields() {
    String tenant = tenant();
    Integration hub = new Integration(UUID.randomUUID(), tenant, Provider.IOT_HUB,
        new Credentials(CredentialType.SAS, Optional.empty(), Map.of("connection_string", "HostName=x;Key=y")), "");
    await(repository.insert(hub, 1));
    Integration found = await(repository.findById(tenant, hub.id())).orElseThrow();
    assertEquals(Provider.IOT_HUB, found.provider());
    assertEquals(CredentialType.SAS, found.credentials().type());
    assertEquals(Map.of("connection_string", "HostName=x;Key=y"), found.credentials().opaque());
  }

  @Test
  void everyReadAndWriteIsScopedToTheTenant() {
    String owner = tenant();
    String other = tenant();
    Integration integration = webhook(owner, "https://example.com/hook", Optional.empty());
    await(repository.insert(integration, 1));

    assertTrue(await(repository.findById(other, integration.id())).isEmpty());
    assertEquals(List.of(), await(repository.findByTenant(other)));
    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("https://evil.example/"), Optional.empty()));
    assertFalse(await(repository.updateCredentials(other, integration.id(), replaced)));
    assertFalse(await(repository.delete(other, integration.id())));
    await(repository.deleteTenant(other));

    Integration unchanged = await(repository.findById(owner, integration.id())).orElseThrow();
    assertEquals(URI.create("https://example.com/hook"), unchanged.credentials().http().orElseThrow().url());
  }

  @Test
  void theOpenSourceTenantIsTheEmptyString() {
    Integration integration = webhook("", "https://example.com/hook", Optional.empty());
    await(repository.deleteTenant(""));
    await(repository.insert(integration, 1));
    assertEquals(List.of(integration.id()), await(repository.findByTenant("")).stream().map(Integration::id).toList());
    await(repository.deleteTenant(""));
    assertEquals(List.of(), await(repository.findByTenant("")));
  }

  @Test
  void refusesAnIntegrationPastTheTenantLimit() {
    String tenant = tenant();
    await(repository.insert(webhook(tenant, "https://example.com/1", Optional.empty()), 1));

    Throwable second = failure(repository.insert(webhook(tenant, "https://example.com/2", Optional.empty()), 1));
    assertInstanceOf(ApplicationException.Conflict.class, second);
    assertEquals("integration already exists", second.getMessage());

    // the limit is per tenant, and a higher limit admits more
    await(repository.insert(webhook(tenant(), "https://example.com/3", Optional.empty()), 1));
    await(repository.insert(webhook(tenant, "https://example.com/4", Optional.empty()), 2));
    assertInstanceOf(ApplicationException.Conflict.class,
        failure(repository.insert(webhook(tenant, "https://example.com/5", Optional.empty()), 2)));
    assertEquals(2, await(repository.findByTenant(tenant)).size());
  }

  @Test
  void aDuplicateIdIsAConflict() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/1", Optional.empty());
    await(repository.insert(integration, 5));
    assertInstanceOf(ApplicationException.Conflict.class, failure(repository.insert(integration, 5)));
  }

  @Test
  void deleteTenantRemovesOnlyThatTenantsIntegrations() {
    String gone = tenant();
    String kept = tenant();
    await(repository.insert(webhook(gone, "https://example.com/1", Optional.empty()), 3));
    await(repository.insert(webhook(gone, "https://example.com/2", Optional.empty()), 3));
    Integration survivor = webhook(kept, "https://example.com/3", Optional.empty());
    await(repository.insert(survivor, 3));

    await(repository.deleteTenant(gone));
    assertEquals(List.of(), await(repository.findByTenant(gone)));
    assertEquals(List.of(survivor.id()), await(repository.findByTenant(kept)).stream().map(Integration::id).toList());
  }

  @Test
  void listsATenantsIntegrationsByProviderThenIdAsTheGoServicesIndex() {
    String tenant = tenant();
    List<Integration> webhooks = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      webhooks.add(webhook(tenant, "https://example.com/" + i, Optional.empty()));
    }
    Integration hub = new Integration(UUID.randomUUID(), tenant, Provider.IOT_HUB,
        new Credentials(CredentialType.SAS, Optional.empty(), Map.of("connection_string", "HostName=x;Key=y")), "");
    await(repository.insert(hub, 5));
    for (Integration integration : webhooks) {
      await(repository.insert(integration, 5));
    }
    List<UUID> expected = new java.util.ArrayList<>(List.of(hub.id())); // "iot-hub" < "webhook"
    webhooks.stream().map(Integration::id)
        // BinData orders by its bytes, unsigned: the order of the UUIDs' hex digits
        .sorted(java.util.Comparator.comparing((UUID id) -> id.toString().replace("-", "")))
        .forEach(expected::add);
    assertEquals(expected, await(repository.findByTenant(tenant)).stream().map(Integration::id).toList());
  }

  static JsonObject document(Integration integration) {
    return await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(integration.id())), null));
  }

  /** Scopes are stored and read back as given: absent, an empty list, or a list (each value once). */
  @Test
  void storesAndReadsScopesAsGiven() {
    String tenant = tenant();
    Credentials credentials = Credentials.http(new HttpCredentials(URI.create("https://example.com/s"), Optional.empty()));
    Integration both = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK, credentials, "",
        Optional.of(List.of(IntegrationScope.INVENTORY, IntegrationScope.DEVICEAUTH, IntegrationScope.INVENTORY)));
    Integration empty = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK, credentials, "",
        Optional.of(List.of()));
    Integration none = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK, credentials, "");
    for (Integration integration : List.of(both, empty, none)) {
      await(repository.insert(integration, 3));
    }

    assertEquals(new JsonArray().add("inventory").add("deviceauth"), document(both).getJsonArray("scopes"));
    assertEquals(new JsonArray(), document(empty).getJsonArray("scopes"));
    assertFalse(document(none).containsKey("scopes"), "no scopes, no field: the document the Go service writes");

    assertEquals(Optional.of(List.of(IntegrationScope.INVENTORY, IntegrationScope.DEVICEAUTH)),
        await(repository.findById(tenant, both.id())).orElseThrow().scopes());
    assertEquals(Optional.of(List.of()), await(repository.findById(tenant, empty.id())).orElseThrow().scopes());
    assertEquals(Optional.empty(), await(repository.findById(tenant, none.id())).orElseThrow().scopes());

    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("https://example.com/t"), Optional.empty()));
    assertTrue(await(repository.updateCredentials(tenant, both.id(), replaced)));
    assertEquals(both.scopes(), await(repository.findById(tenant, both.id())).orElseThrow().scopes(),
        "a credentials change keeps the scopes");
  }

  /** The store's sweep removes a previous secret once its overlap has ended, and only then. */
  @Test
  void aPreviousSecretIsDroppedOnceItsOverlapHasEnded() {
    String tenant = tenant();
    Instant now = Instant.parse("2030-01-02T03:04:05Z");
    Integration ended = webhook(tenant, "https://example.com/e", Optional.of(WebhookSecret.fromHex("0a0b")));
    Integration running = webhook(tenant, "https://example.com/r", Optional.of(WebhookSecret.fromHex("0a0b")));
    await(repository.insert(ended, 2));
    await(repository.insert(running, 2));
    assertTrue(await(repository.updateCredentials(tenant, ended.id(), Credentials.http(new HttpCredentials(
        URI.create("https://example.com/e"), Optional.of(WebhookSecret.fromHex("0c0d")),
        Optional.of(new PreviousSecret(WebhookSecret.fromHex("0a0b"), now)))))));
    assertTrue(await(repository.updateCredentials(tenant, running.id(), Credentials.http(new HttpCredentials(
        URI.create("https://example.com/r"), Optional.of(WebhookSecret.fromHex("0c0d")),
        Optional.of(new PreviousSecret(WebhookSecret.fromHex("0a0b"), now.plusSeconds(1))))))));

    assertTrue(await(((MongoIntegrationRepository) repository).dropEndedPreviousSecrets(now)) >= 1,
        "the ended one is dropped");

    assertEquals(Set.of("url", "secret"), document(ended).getJsonObject("credentials").getJsonObject("http")
        .fieldNames());
    HttpCredentials kept = await(repository.findById(tenant, ended.id())).orElseThrow().credentials().http()
        .orElseThrow();
    assertEquals(Optional.of(WebhookSecret.fromHex("0c0d")), kept.secret(), "the current secret stays");
    assertEquals(Optional.empty(), kept.previousSecret());
    assertEquals(Set.of("url", "secret", "previous_secret", "previous_secret_valid_until"),
        document(running).getJsonObject("credentials").getJsonObject("http").fieldNames(),
        "an overlap still running keeps its secret");
  }

  /**
   * The previous secret of a rotation sits next to the secret, in the same stored form, with the end of its
   * overlap as a date; the Go service's fields are unchanged.
   */
  @Test
  void storesThePreviousSecretLikeTheSecretWithTheEndOfItsOverlap() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/p", Optional.of(WebhookSecret.fromHex("0a0b")));
    await(repository.insert(integration, 1));
    Instant until = Instant.parse("2030-01-02T03:04:05.678Z");
    Credentials rotated = Credentials.http(new HttpCredentials(URI.create("https://example.com/p"),
        Optional.of(WebhookSecret.fromHex("0c0d")),
        Optional.of(new PreviousSecret(WebhookSecret.fromHex("0a0b"), until))));
    assertTrue(await(repository.updateCredentials(tenant, integration.id(), rotated)));

    JsonObject http = document(integration).getJsonObject("credentials").getJsonObject("http");
    assertEquals(Set.of("url", "secret", "previous_secret", "previous_secret_valid_until"), http.fieldNames());
    assertArrayEquals(new byte[] {0x0c, 0x0d}, DocumentValues.optionalBinary(http.getJsonObject("secret"), "data")
        .orElseThrow());
    JsonObject previous = http.getJsonObject("previous_secret");
    assertEquals(Set.of("algorithm", "data"), previous.fieldNames());
    assertEquals("AES_256_CFB_HMAC_SHA512", previous.getString("algorithm"));
    assertArrayEquals(new byte[] {0x0a, 0x0b}, DocumentValues.optionalBinary(previous, "data").orElseThrow());
    assertEquals(Optional.of(until), DocumentValues.optionalInstant(http, "previous_secret_valid_until"));

    HttpCredentials read = await(repository.findById(tenant, integration.id())).orElseThrow().credentials().http()
        .orElseThrow();
    assertEquals(Optional.of(WebhookSecret.fromHex("0c0d")), read.secret());
    assertEquals(Optional.of(new PreviousSecret(WebhookSecret.fromHex("0a0b"), until)), read.previousSecret());

    Credentials plain = Credentials.http(new HttpCredentials(URI.create("https://example.com/p"),
        Optional.of(WebhookSecret.fromHex("0c0d"))));
    assertTrue(await(repository.updateCredentials(tenant, integration.id(), plain)));
    assertEquals(Set.of("url", "secret"), document(integration).getJsonObject("credentials").getJsonObject("http")
        .fieldNames(), "dropped with the overlap");
  }

  // ---- integration health and re-queueing (the store's part of the health, enabling and recovery)

  /** Recent: on a real MongoDB the TTL monitor deletes events older than the retention. */
  private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
      .minusSeconds(600);

  private static Integration stored(String tenant) {
    Integration integration = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/hook"),
            Optional.of(WebhookSecret.fromHex("deadbeef")))), "a hook");
    await(repository.insert(integration, 1));
    return integration;
  }

  private static IntegrationHealth health(Integration integration) {
    List<MonitoredIntegration> read = await(repository.findByTenantWithHealth(integration.tenantId()));
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
    Integration integration = stored(tenant);
    Integration other = stored("tenant-" + UUID.randomUUID());
    assertEquals(IntegrationHealth.NONE, health(integration));

    // two batches of failures only: counted up, failing since the first
    await(repository.recordHealth(List.of(failures(integration, 2, T0, T0.plusSeconds(5)),
        failures(other, 1, T0, T0))));
    await(repository.recordHealth(List.of(failures(integration, 3, T0.plusSeconds(60), T0.plusSeconds(90)))));
    IntegrationHealth failing = health(integration);
    assertEquals(5, failing.consecutiveFailures());
    assertEquals(Optional.of(T0), failing.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(90)), failing.lastFailureAt());
    assertEquals(Optional.empty(), failing.lastSuccessAt());
    assertEquals(1, health(other).consecutiveFailures(), "each integration its own update");

    // a batch with a success, then one failure: the count is what followed the success
    Instant success = T0.plusSeconds(100);
    await(repository.recordHealth(List.of(new HealthChange(tenant, integration.id(), 1, Optional.of(success),
        Optional.of(T0.plusSeconds(101)), Optional.of(T0.plusSeconds(101)), Optional.empty(), Optional.empty()))));
    IntegrationHealth afterSuccess = health(integration);
    assertEquals(1, afterSuccess.consecutiveFailures());
    assertEquals(Optional.of(success), afterSuccess.lastSuccessAt());
    assertEquals(Optional.of(T0.plusSeconds(101)), afterSuccess.failingSince());

    // a success alone: healthy
    await(repository.recordHealth(List.of(new HealthChange(tenant, integration.id(), 0,
        Optional.of(T0.plusSeconds(200)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))));
    IntegrationHealth healthy = health(integration);
    assertEquals(0, healthy.consecutiveFailures());
    assertEquals(Optional.empty(), healthy.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(101)), healthy.lastFailureAt(), "the last failure stays");

    // disabled with a failure; changing the credentials keeps the health
    Instant disabledAt = T0.plusSeconds(300);
    await(repository.recordHealth(List.of(new HealthChange(tenant, integration.id(), 1, Optional.empty(),
        Optional.of(disabledAt), Optional.of(disabledAt), Optional.of(disabledAt), Optional.of("gone")))));
    assertTrue(await(repository.updateCredentials(tenant, integration.id(),
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

    assertTrue(await(repository.enable(tenant, integration.id())));
    IntegrationHealth enabled = health(integration);
    assertFalse(enabled.disabled());
    assertEquals(Optional.empty(), enabled.disabledReason());
    assertEquals(0, enabled.consecutiveFailures());
    assertEquals(Optional.empty(), enabled.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(200)), enabled.lastSuccessAt());
    assertFalse(await(repository.enable("another-tenant", integration.id())), "another tenant's: not found");
    assertFalse(await(repository.enable(tenant, UUID.randomUUID())));
  }

  private static EventRecord healthEvent(String tenant, Instant time, DeliveryStatus... deliveries) {
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
    records.add(healthEvent(tenant, T0, failed(target)));                                   // before "since"
    records.add(healthEvent(tenant, T0.plusSeconds(20), DeliveryStatus.skipped(target)));    // queued, 2nd
    records.add(healthEvent(tenant, T0.plusSeconds(10), delivered(otherIntegration), failed(target))); // queued, 1st
    records.add(healthEvent(tenant, T0.plusSeconds(30), delivered(target)));                 // delivered: no
    records.add(healthEvent(tenant, T0.plusSeconds(40), failed(otherIntegration)));          // other integration
    records.add(healthEvent("other-" + tenant, T0.plusSeconds(50), failed(target)));         // other tenant
    records.add(healthEvent(tenant, T0.plusSeconds(25), DeliveryStatus.pending(otherIntegration, T0),
        failed(target)));                                                                   // queued, 3rd: leased
    // leased until long after the first due time (as intake's lease on a skipped event may be): no
    // delay, nothing was pending
    await(store.events().insertAll(records, "owner", T0.plusSeconds(7200)));

    Instant firstDue = T0.plusSeconds(3600);
    Duration spacing = Duration.ofMillis(250);
    int queued = await(store.events().requeue(tenant, target, T0.plusSeconds(5),
        Set.of(DeliveryState.FAILED, DeliveryState.SKIPPED), firstDue, spacing));
    assertEquals(3, queued);

    DeliveryStatus first = await(store.events().findById(tenant, records.get(2).event().id())).orElseThrow().deliveries().get(1);
    assertEquals(DeliveryState.PENDING, first.state());
    assertEquals(Optional.of(firstDue), first.nextAttemptAt());
    assertEquals(8, first.attempts(), "the attempts made stay counted");
    assertEquals(DeliveryState.DELIVERED,
        await(store.events().findById(tenant, records.get(2).event().id())).orElseThrow().deliveries().get(0).state());
    DeliveryStatus second = await(store.events().findById(tenant, records.get(1).event().id())).orElseThrow().deliveries().get(0);
    assertEquals(DeliveryState.PENDING, second.state());
    assertEquals(Optional.of(firstDue.plus(spacing)), second.nextAttemptAt());
    assertEquals(DeliveryState.FAILED,
        await(store.events().findById(tenant, records.get(0).event().id())).orElseThrow().deliveries().get(0).state());
    assertEquals(DeliveryState.FAILED,
        await(store.events().findById(tenant, records.get(4).event().id())).orElseThrow().deliveries().get(0).state());

    // claimable in that order, each when it is due
    assertEquals(List.of(), await(store.events().claimDue("me", firstDue.minusMillis(1), firstDue.plusSeconds(30), 10)));
    assertEquals(List.of(records.get(2).event().id()), await(store.events().claimDue("me", firstDue,
        firstDue.plusSeconds(30), 10)).stream().map(r -> r.event().id()).toList());
    assertEquals(List.of(records.get(1).event().id()), await(store.events().claimDue("me", firstDue.plus(spacing),
        firstDue.plusSeconds(30), 10)).stream().map(r -> r.event().id()).toList());
    // an event with something pending may be in an instance's hands: its lease stays
    DeliveryStatus third = await(store.events().findById(tenant, records.get(6).event().id())).orElseThrow()
        .deliveries().get(1);
    assertEquals(Optional.of(firstDue.plus(spacing.multipliedBy(2))), third.nextAttemptAt());
    assertEquals(List.of(), await(store.events().claimDue("me", firstDue.plus(spacing.multipliedBy(2)),
        firstDue.plusSeconds(30), 10)));

    // only skipped ones, as enabling asks: none left
    assertEquals(0, await(store.events().requeue(tenant, target, Instant.EPOCH, Set.of(DeliveryState.SKIPPED), firstDue,
        spacing)));
  }
}
