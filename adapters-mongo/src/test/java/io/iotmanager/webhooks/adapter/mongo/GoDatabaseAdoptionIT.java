package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.GoFixture.date;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Adoption in place (docs/wire-contract.md A9), on the real MongoDB ({@code IOT_MANAGER_MONGO_URL}) or the embedded store:
 * a database written document by document as Mender's Go iot-manager writes it, in both its flavours, is
 * opened by this service, used through the repositories, and what this service wrote is read back raw and
 * compared field by field with the Go service's shapes (so the Go service can be swapped back in). The Go
 * service's indexes and its {@code devices} and {@code migration_info} collections are left as they were.
 *
 * <ul>
 *   <li>standalone: integration ids {@code UUIDv5(NameSpaceOID, tenant)}, no key, secrets as plain bytes;</li>
 *   <li>mender-server: random v4 ids, secrets encrypted under the key (one under the previous, fallback
 *       key, one stored before encryption was turned on), the unique index
 *       {@code integration_one_per_tenant}, and an {@code iot-hub} integration.</li>
 * </ul>
 */
@ExtendWith(VertxExtension.class)
class GoDatabaseAdoptionIT {
  static final String KEY = newKey();
  static final String OLD_KEY = newKey();

  @RegisterExtension
  static final TestStores.ServerPerClass SERVER = new TestStores.ServerPerClass();

  Vertx vertx;
  String dbName;
  MongoClient raw;
  GoFixture go;
  final List<MongoStore> opened = new ArrayList<>();
  final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  // standalone
  final String openSourceTenant = "";
  final UUID standaloneId = GoFixture.uuidV5(GoFixture.NAMESPACE_OID, "");
  final byte[] standaloneSecret = HexFormat.of().parseHex("deadbeef");
  // mender-server
  final String tenantA = "5f2d3e1a0b1c2d3e4f5a6b7c";
  final String tenantB = "5f2d3e1a0b1c2d3e4f5a6b7d";
  final String tenantC = "5f2d3e1a0b1c2d3e4f5a6b7e";
  final String hubTenant = "5f2d3e1a0b1c2d3e4f5a6b7f";
  final UUID idA = UUID.randomUUID();
  final UUID idB = UUID.randomUUID();
  final UUID idC = UUID.randomUUID();
  final UUID hubId = UUID.randomUUID();
  final byte[] secretA = HexFormat.of().parseHex("a1a2a3a4a5a6");
  final byte[] secretB = HexFormat.of().parseHex("b1b2");
  final byte[] secretC = HexFormat.of().parseHex("c1c2c3");
  final String connectionString = "HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0";
  // events
  final UUID eventDelivered = UUID.randomUUID();
  final UUID eventFailed = UUID.randomUUID();
  final UUID eventNoStatus = UUID.randomUUID();


  @BeforeEach
  void newDatabase(Vertx vertx) {
    this.vertx = vertx;
    this.dbName = TestStores.randomDbName("adopt");
    this.raw = MongoClient.create(vertx, new JsonObject().put("connection_string", SERVER.server().url()).put("db_name", dbName));
    this.go = new GoFixture(raw);
  }

  @AfterEach
  void dropDatabase() {
    await(raw.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)));
    opened.forEach(store -> await(store.close()));
    await(MongoStore.closeClient(vertx, raw));
  }

  static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  MongoStore open(Optional<String> key, Optional<String> fallbackKey) {
    MongoStore store = TestStores.open(vertx, TestStores.settings(SERVER.server(), dbName).withAesKeys(key, fallbackKey));
    opened.add(store);
    return store;
  }

  // ------------------------------------------------------------------------------------------ fixtures

  void standaloneDatabase() {
    go.createGoIndexes(false);
    go.insert("integrations", GoFixture.webhook(standaloneId, openSourceTenant, "https://hooks.example.com/mender",
        standaloneSecret, "the open-source tenant's hook"));
    goEvents(openSourceTenant, standaloneId);
    go.insertGoOwnCollections(openSourceTenant, standaloneId);
  }

  void menderServerDatabase() {
    SecretCipher key = SecretCipher.fromBase64Key(KEY);
    SecretCipher oldKey = SecretCipher.fromBase64Key(OLD_KEY);
    go.createGoIndexes(true);
    go.insert("integrations", GoFixture.webhook(idA, tenantA, "https://a.example.com/hook", key.encrypt(secretA), null));
    go.insert("integrations", GoFixture.webhook(idB, tenantB, "https://b.example.com/hook", oldKey.encrypt(secretB),
        "encrypted under the previous key"));
    go.insert("integrations", GoFixture.webhook(idC, tenantC, "https://c.example.com/hook", secretC,
        "stored before encryption was turned on"));
    go.insert("integrations", GoFixture.iotHub(hubId, hubTenant,
        key.encrypt(connectionString.getBytes(StandardCharsets.UTF_8))));
    goEvents(tenantA, idA);
    go.insertGoOwnCollections(tenantA, hubId);
  }

  /** Three events of the Go service: delivered, failed, and one stored without statuses. */
  void goEvents(String tenant, UUID integration) {
    Instant created = Instant.parse("2024-05-01T08:00:00.123Z");
    JsonObject provisioned = new JsonObject().put("id", "dev-1").put("status", "pending")
        .put("auth_sets", new JsonArray().add(new JsonObject().put("id", "as-1").put("device_id", "dev-1")
            .put("identity_data", new JsonObject().put("mac", "00:11:22:33:44:55")).put("pubkey", "-----BEGIN PUBLIC KEY-----")
            .put("status", "pending").put("ts", date(created))))
        .put("created_ts", date(created));
    go.insert("log", GoFixture.event(eventDelivered, tenant, "device-provisioned", provisioned, now.minusSeconds(300),
        now.plus(6, ChronoUnit.DAYS), new JsonArray().add(GoFixture.status(integration, true, 200, null))));
    go.insert("log", GoFixture.event(eventFailed, tenant, "device-decommissioned", new JsonObject().put("id", "dev-2"),
        now.minusSeconds(200), now.plus(6, ChronoUnit.DAYS), new JsonArray().add(GoFixture.status(integration, false,
            500, "client: unexpected status code from API: 500"))));
    go.insert("log", GoFixture.event(eventNoStatus, tenant, "device-status-changed",
        new JsonObject().put("id", "dev-3").put("status", "accepted"), now.minusSeconds(100), now.plus(6, ChronoUnit.DAYS),
        null));
  }

  /** What must never change: the Go service's indexes, {@code devices}, {@code migration_info}. */
  record GoOwned(Map<String, String> indexes, List<String> devices, List<String> migrations) {}

  GoOwned goOwned() {
    Map<String, String> indexes = new TreeMap<>();
    for (String collection : List.of("integrations", "log")) {
      for (Object index : await(raw.listIndexes(collection))) {
        JsonObject spec = ((JsonObject) index).copy();
        spec.remove("v");
        spec.remove("ns");
        if (Set.of("_id_", "tenant_id_provider__id", "integration_one_per_tenant", "tenant_id__id", "log_TTL")
            .contains(spec.getString("name"))) {
          indexes.put(collection + "." + spec.getString("name"), spec.encode());
        }
      }
    }
    return new GoOwned(indexes, encoded("devices"), encoded("migration_info"));
  }

  List<String> encoded(String collection) {
    return await(raw.findWithOptions(collection, new JsonObject(), new FindOptions().setSort(new JsonObject().put("_id", 1))))
        .stream().map(JsonObject::encode).toList();
  }

  JsonObject rawIntegration(UUID id) {
    return await(raw.findOne("integrations", new JsonObject().put("_id", GoFixture.bin4(id)), null));
  }

  JsonObject rawEvent(UUID id) {
    return await(raw.findOne("log", new JsonObject().put("_id", GoFixture.bin4(id)), null));
  }

  static byte[] secretOf(Integration integration) {
    return integration.credentials().http().orElseThrow().secret().orElseThrow().bytes();
  }

  // ------------------------------------------------------------------------------------------ A9 shapes

  /** Field by field: an integration document exactly as the Go service writes it. */
  static void assertGoIntegration(JsonObject document, UUID id, String tenant, String url, Optional<String> description) {
    Set<String> fields = description.isPresent()
        ? Set.of("_id", "tenant_id", "provider", "credentials", "description")
        : Set.of("_id", "tenant_id", "provider", "credentials");
    assertEquals(fields, document.fieldNames(), document.encode());
    assertBin4(id, document.getValue("_id"));
    assertEquals(tenant, document.getString("tenant_id"));
    assertEquals("webhook", document.getString("provider"));
    description.ifPresent(d -> assertEquals(d, document.getString("description")));
    JsonObject credentials = document.getJsonObject("credentials");
    assertEquals(Set.of("type", "http"), credentials.fieldNames());
    assertEquals("http", credentials.getString("type"));
    JsonObject http = credentials.getJsonObject("http");
    assertEquals(Set.of("url", "secret"), http.fieldNames());
    assertEquals(url, http.getString("url"));
    JsonObject secret = http.getJsonObject("secret");
    assertEquals(Set.of("algorithm", "data"), secret.fieldNames());
    assertEquals(GoFixture.ALGORITHM, secret.getString("algorithm"));
    assertEquals(0, secret.getJsonObject("data").getInteger("$type"), "BinData subtype 0 ([]byte)");
  }

  static byte[] storedSecretData(JsonObject integration) {
    return DocumentValues.optionalBinary(integration.getJsonObject("credentials").getJsonObject("http")
        .getJsonObject("secret"), "data").orElseThrow();
  }

  static void assertBin4(UUID expected, Object value) {
    JsonObject binary = assertInstanceOf(JsonObject.class, value);
    assertEquals(4, binary.getInteger("$type"), "BinData subtype 4: " + binary.encode());
    assertEquals(expected, DocumentValues.uuidValue(binary, "id"));
  }

  /** The Go service's fields of a {@code log} document, with the right BSON types. */
  static void assertGoEvent(JsonObject document, UUID id, String tenant, String type, JsonObject data, Instant time) {
    assertBin4(id, document.getValue("_id"));
    assertEquals(type, document.getString("type"));
    assertEquals(tenant, document.getString("tenant_id"));
    assertEquals(data, document.getJsonObject("data"));
    assertEquals(time.truncatedTo(ChronoUnit.MILLIS), DocumentValues.requiredInstant(document, "event_ts"));
    assertNotNull(DocumentValues.requiredInstant(document, "expire_ts"));
  }

  // ------------------------------------------------------------------------------------------ tests

  @Test
  void theStandaloneFlavourIsListedReadUpdatedAndDeletedByItsIdsAndItsEventsShow() {
    standaloneDatabase();
    GoOwned before = goOwned();
    JsonObject untouchedBefore = rawIntegration(standaloneId);
    MongoStore store = open(Optional.empty(), Optional.empty());

    // list and get, by the Go service's UUIDv5 id; the plain secret's bytes are the signing key
    List<Integration> listed = await(store.integrations().findByTenant(openSourceTenant));
    assertEquals(1, listed.size());
    Integration integration = listed.get(0);
    assertEquals(standaloneId, integration.id());
    assertEquals(Provider.WEBHOOK, integration.provider());
    assertEquals(URI.create("https://hooks.example.com/mender"), integration.credentials().http().orElseThrow().url());
    assertEquals("the open-source tenant's hook", integration.description());
    assertArrayEquals(standaloneSecret, secretOf(integration), "plain bytes, no key");
    assertEquals(integration, await(store.integrations().findById(openSourceTenant, standaloneId)).orElseThrow());
    assertEquals(untouchedBefore.encode(), rawIntegration(standaloneId).encode(), "reading writes nothing");

    assertGoEventsListed(store, openSourceTenant, standaloneId);
    deliverAndCheckTheLogDocument(store, openSourceTenant, standaloneId);

    // update credentials: still the Go service's shape, readable by its rules (no key: plain bytes)
    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("https://hooks.example.com/v2"),
        Optional.of(WebhookSecret.fromHex("0a0b0c"))));
    assertTrue(await(store.integrations().updateCredentials(openSourceTenant, standaloneId, replaced)));
    JsonObject updated = rawIntegration(standaloneId);
    assertGoIntegration(updated, standaloneId, openSourceTenant, "https://hooks.example.com/v2",
        Optional.of("the open-source tenant's hook"));
    assertArrayEquals(new byte[] {10, 11, 12}, storedSecretData(updated));

    assertEquals(before, goOwned(), "the Go service's indexes, devices and migration_info are unchanged");

    // delete by its id; its events stay
    assertTrue(await(store.integrations().delete(openSourceTenant, standaloneId)));
    assertEquals(List.of(), await(store.integrations().findByTenant(openSourceTenant)));
    assertTrue(await(store.events().findById(openSourceTenant, eventDelivered)).isPresent());
  }

  @Test
  void theMenderServerFlavourReadsEveryKindOfStoredSecretAndKeepsItsIndexes() {
    menderServerDatabase();
    GoOwned before = goOwned();
    MongoStore store = open(Optional.of(KEY), Optional.of(OLD_KEY));

    // the decoded secret bytes, which sign the webhook request, equal the originals
    Integration a = await(store.integrations().findById(tenantA, idA)).orElseThrow();
    assertArrayEquals(secretA, secretOf(a), "encrypted under the primary key");
    Integration b = await(store.integrations().findByTenant(tenantB)).get(0);
    assertEquals(idB, b.id());
    assertArrayEquals(secretB, secretOf(b), "encrypted under the fallback key");
    MongoStore noFallback = open(Optional.of(KEY), Optional.empty());
    assertArrayEquals(secretC, secretOf(await(noFallback.integrations().findById(tenantC, idC)).orElseThrow()),
        "plain bytes, stored before the key was set: taken as they are when there is no fallback key");
    assertArrayEquals(secretA, secretOf(await(noFallback.integrations().findById(tenantA, idA)).orElseThrow()));
    // as the Go service: with a fallback key, bytes neither key decrypts are an error
    assertInstanceOf(ApplicationException.StoreUnavailable.class, failure(store.integrations().findByTenant(tenantC)));

    // the iot-hub tenant is listed; its secret field is never a failure, even under keys that cannot read it
    Integration hub = await(store.integrations().findByTenant(hubTenant)).get(0);
    assertEquals(Provider.IOT_HUB, hub.provider());
    assertEquals(CredentialType.SAS, hub.credentials().type());
    assertEquals(Map.of("connection_string", connectionString), hub.credentials().opaque());
    assertTrue(hub.credentials().toString().contains(WebhookSecret.OMITTED), "rendered <omitted>");
    assertFalse(hub.credentials().toString().contains("c2VjcmV0"));
    MongoStore wrongKeys = open(Optional.of(newKey()), Optional.of(newKey()));
    assertEquals(Map.of("connection_string", WebhookSecret.OMITTED),
        await(wrongKeys.integrations().findByTenant(hubTenant)).get(0).credentials().opaque());

    assertGoEventsListed(store, tenantA, idA);
    deliverAndCheckTheLogDocument(store, tenantA, idA);

    // the unique index of the mender-server flavour: a second integration for the tenant is a conflict
    Integration second = new Integration(UUID.randomUUID(), tenantA, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://a.example.com/2"), Optional.empty())), "");
    assertInstanceOf(ApplicationException.Conflict.class, failure(store.integrations().insert(second, 5)));

    // a new integration, and new credentials, are written as the Go service writes them, under the key
    Integration fresh = new Integration(UUID.randomUUID(), "5f2d3e1a0b1c2d3e4f5a6b80", Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://new.example.com/hook"),
            Optional.of(WebhookSecret.fromHex("00ff")))), "new");
    await(store.integrations().insert(fresh, 1));
    JsonObject written = rawIntegration(fresh.id());
    assertGoIntegration(written, fresh.id(), fresh.tenantId(), "https://new.example.com/hook", Optional.of("new"));
    assertArrayEquals(new byte[] {0, (byte) 0xff}, SecretCipher.fromBase64Key(KEY).decrypt(storedSecretData(written)));
    assertTrue(await(store.integrations().updateCredentials(tenantB, idB, Credentials.http(new HttpCredentials(
        URI.create("https://b.example.com/v2"), Optional.of(WebhookSecret.fromHex("0102")))))));
    JsonObject updated = rawIntegration(idB);
    assertGoIntegration(updated, idB, tenantB, "https://b.example.com/v2", Optional.of("encrypted under the previous key"));
    assertArrayEquals(new byte[] {1, 2}, SecretCipher.fromBase64Key(KEY).decrypt(storedSecretData(updated)));

    assertEquals(before, goOwned(), "the Go service's indexes, devices and migration_info are unchanged");
    assertTrue(await(store.integrations().delete(tenantA, idA)));
    assertTrue(await(store.integrations().findById(tenantA, idA)).isEmpty());
    assertTrue(await(store.integrations().findById(hubTenant, hubId)).isPresent());
  }

  @Test
  void aUniqueTenantIndexWithAHigherLimitIsReportedAtStartUp() {
    menderServerDatabase();
    Logger logger = (Logger) LoggerFactory.getLogger(Schema.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      open(Optional.of(KEY), Optional.empty());
      assertTrue(appender.list.isEmpty(), "the default limit of one agrees with the index");
      MongoStore store = TestStores.open(vertx, TestStores.settings(SERVER.server(), dbName)
          .withAesKeys(Optional.of(KEY), Optional.empty()).withMaxIntegrationsPerTenant(3));
      opened.add(store);
      List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
      assertEquals(1, warnings.size(), appender.list.toString());
      assertTrue(warnings.get(0).getFormattedMessage().contains("integration_one_per_tenant"),
          warnings.get(0).getFormattedMessage());
      assertTrue(warnings.get(0).getFormattedMessage().contains("one integration per tenant"));
    } finally {
      logger.detachAppender(appender);
    }
  }

  /** The Go service's events, with their old outcomes, in the list (newest first), by id and by integration. */
  void assertGoEventsListed(MongoStore store, String tenant, UUID integration) {
    List<EventRecord> events = await(store.events().find(tenant, 0, 20, Optional.empty()));
    assertEquals(List.of(eventNoStatus, eventFailed, eventDelivered), events.stream().map(e -> e.event().id()).toList());
    EventRecord delivered = events.get(2);
    assertEquals(List.of(new DeliveryStatus(integration, DeliveryState.DELIVERED, 1, Optional.of(200), Optional.empty(),
        Optional.empty())), delivered.deliveries());
    assertEquals(EventType.DEVICE_PROVISIONED, delivered.event().type());
    assertEquals("dev-1", delivered.event().deviceId());
    JsonObject body = new JsonObject(delivered.event().body());
    assertEquals(eventDelivered.toString(), body.getString("id"));
    assertEquals("device-provisioned", body.getString("type"));
    assertEquals(EventTime.format(now.minusSeconds(300)), body.getString("time"));
    assertEquals("2024-05-01T08:00:00.123Z", body.getJsonObject("data").getString("created_ts"), "dates as RFC 3339");
    assertEquals("00:11:22:33:44:55", body.getJsonObject("data").getJsonArray("auth_sets").getJsonObject(0)
        .getJsonObject("identity_data").getString("mac"));
    EventRecord failed = await(store.events().findById(tenant, eventFailed)).orElseThrow();
    assertEquals(List.of(new DeliveryStatus(integration, DeliveryState.FAILED, 1, Optional.of(500),
        Optional.of("client: unexpected status code from API: 500"), Optional.empty())), failed.deliveries());
    assertEquals("{\"id\":\"" + eventFailed + "\",\"type\":\"device-decommissioned\",\"data\":{\"id\":\"dev-2\"},\"time\":\""
        + EventTime.format(now.minusSeconds(200)) + "\"}", failed.event().body());
    assertEquals(List.of(), await(store.events().findById(tenant, eventNoStatus)).orElseThrow().deliveries());
    assertEquals(List.of(eventFailed, eventDelivered), await(store.events().find(tenant, 0, 20, Optional.of(integration)))
        .stream().map(e -> e.event().id()).toList(), "the integration filter matches the Go service's BinData ids");
    assertEquals(List.of(), await(store.events().find(tenant, 0, 20, Optional.of(UUID.randomUUID()))));
    assertEquals(List.of(), await(store.events().claimDue("nobody", now.plusSeconds(3600), now.plusSeconds(3660), 100))
        .stream().filter(e -> e.event().tenantId().equals(tenant)).toList(), "the Go service's events are never resent");
  }

  /**
   * An event taken in, claimed and attempted twice: its document has the Go service's fields in their types,
   * our delivery fields beside, and {@code status[]} tells the latest attempt in the Go service's terms.
   */
  void deliverAndCheckTheLogDocument(MongoStore store, String tenant, UUID integration) {
    Instant time = now.plusMillis(7).plusNanos(654_321);
    Event event = Event.create(UUID.randomUUID(), tenant, EventType.DEVICE_PROVISIONED, "dev-9",
        new JsonText("{\"id\":\"dev-9\",\"status\":\"accepted\",\"created_ts\":\"2024-06-01T12:00:00Z\"}"), time);
    EventRecord record = new EventRecord(event, List.of(DeliveryStatus.pending(integration, now)));
    await(store.events().insertAll(List.of(record), "me", now.minusSeconds(1)));
    List<EventRecord> claimed = await(store.events().claimDue("me", now.plusSeconds(1), now.plusSeconds(60), 10));
    assertEquals(List.of(event.id()), claimed.stream().map(e -> e.event().id()).toList());

    JsonObject data = new JsonObject().put("id", "dev-9").put("status", "accepted")
        .put("created_ts", new JsonObject().put("$date", "2024-06-01T12:00:00Z"));
    JsonObject pending = rawEvent(event.id());
    assertGoEvent(pending, event.id(), tenant, "device-provisioned", data, time);
    JsonObject status = pending.getJsonArray("status").getJsonObject(0);
    assertBin4(integration, status.getValue("integration_id"));
    assertEquals(false, status.getBoolean("success"));
    assertFalse(status.containsKey("status"));

    Instant attempted = now.plusSeconds(2);
    await(store.events().recordOutcomes(List.of(new DeliveryOutcome(event.id(), Map.of(0, new DeliveryStatus(integration,
        DeliveryState.PENDING, 1, Optional.of(503), Optional.of("client: unexpected status code from API: 503"),
        Optional.of(attempted.plusSeconds(5)))), List.of(new Attempt(integration, 1, attempted, Optional.of(503),
        Optional.of("client: unexpected status code from API: 503"), 12, AttemptTrigger.AUTO)),
        Optional.of(attempted.plusSeconds(5)), Optional.of("me"), Optional.of(now.plusSeconds(60))))));
    status = rawEvent(event.id()).getJsonArray("status").getJsonObject(0);
    assertEquals(false, status.getBoolean("success"));
    assertEquals(503, status.getInteger("status"));
    assertEquals("client: unexpected status code from API: 503", status.getString("err"));
    assertEquals("pending", status.getString("state"));

    await(store.events().recordOutcomes(List.of(new DeliveryOutcome(event.id(), Map.of(0, new DeliveryStatus(integration,
        DeliveryState.DELIVERED, 2, Optional.of(204), Optional.empty(), Optional.empty())), List.of(new Attempt(
        integration, 2, attempted.plusSeconds(5), Optional.of(204), Optional.empty(), 9, AttemptTrigger.AUTO)),
        Optional.empty(), Optional.of("me"), Optional.empty()))));
    JsonObject done = rawEvent(event.id());
    assertGoEvent(done, event.id(), tenant, "device-provisioned", data, time);
    status = done.getJsonArray("status").getJsonObject(0);
    assertEquals(Set.of("integration_id", "success", "status", "state", "attempts"), status.fieldNames(), status.encode());
    assertBin4(integration, status.getValue("integration_id"));
    assertEquals(true, status.getBoolean("success"));
    assertEquals(204, status.getInteger("status"));
    assertEquals("delivered", status.getString("state"));
    assertEquals(2, status.getInteger("attempts"));
    assertFalse(done.containsKey("due_at"));
    assertEquals(2, done.getJsonArray("attempt_log").size());
    assertEquals(event.body(), done.getString("body"));

    EventRecord read = await(store.events().findById(tenant, event.id())).orElseThrow();
    assertEquals(event, read.event(), "the exact body and nanosecond time round-trip");
    assertEquals(2, await(store.events().findAttempts(tenant, event.id())).orElseThrow().size());
  }
}
