package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.GoFixture.date;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migration of a database written by version 1 of this service (string ids, the {@code events}
 * collection, {@code {enc}} and hex secrets) into the Go service's documents, on both stores: by two
 * instances starting at once, then again (nothing changes), and resuming after an interrupted run; nothing
 * is lost.
 */
@ExtendWith(VertxExtension.class)
class SchemaMigrationIT {
  static final String KEY = GoDatabaseAdoptionIT.newKey();
  /** More than one migration batch. */
  static final int BULK_EVENTS = Migration.BATCH + 50;

  @RegisterExtension
  // two instances migrating one database at once: CI's Wine-hosted MongoDB crashes under that contention
  static final TestStores.ServerPerClass SERVER = TestStores.ServerPerClass.withHeavyContention();

  Vertx vertx;
  String dbName;
  MongoClient raw;
  final List<MongoStore> opened = new ArrayList<>();
  final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  final UUID plainHook = UUID.randomUUID();
  final UUID encryptedHook = UUID.randomUUID();
  final UUID hub = UUID.randomUUID();
  final UUID core = UUID.randomUUID();
  final UUID noSecret = UUID.randomUUID();
  final UUID pendingEvent = UUID.randomUUID();
  final UUID deliveredEvent = UUID.randomUUID();
  byte[] encryptedBlob;
  byte[] hubBlob;


  @BeforeEach
  void newDatabase(Vertx vertx) {
    this.vertx = vertx;
    this.dbName = TestStores.randomDbName("migrate");
    this.raw = MongoClient.create(vertx, new JsonObject().put("connection_string", SERVER.server().url()).put("db_name", dbName));
  }

  @AfterEach
  void dropDatabase() {
    await(raw.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)));
    opened.forEach(store -> await(store.close()));
    await(MongoStore.closeClient(vertx, raw));
  }

  Future<MongoStore> open() {
    return MongoStore.open(vertx, TestStores.settings(SERVER.server(), dbName).withAesKeys(Optional.of(KEY), Optional.empty()))
        .onSuccess(opened::add);
  }

  // ------------------------------------------------------------------------------------------ version 1

  static JsonObject v1Integration(UUID id, String tenant, String provider, JsonObject credentials, String description) {
    return new JsonObject().put("_id", id.toString()).put("tenant_id", tenant).put("provider", provider)
        .put("credentials", credentials).put("description", description)
        .put("created_at", date(Instant.parse("2025-01-01T00:00:00Z")));
  }

  static String enc(byte[] blob) {
    return Base64.getEncoder().encodeToString(blob);
  }

  /** A database as version 1 of this service left it, with a key set for part of its life. */
  void versionOneDatabase() {
    SecretCipher cipher = SecretCipher.fromBase64Key(KEY);
    encryptedBlob = cipher.encrypt(HexFormat.of().parseHex("e1e2e3"));
    hubBlob = cipher.encrypt("HostName=h;SharedAccessKey=k".getBytes(StandardCharsets.UTF_8));
    await(raw.createCollection("integrations"));
    await(raw.createIndexWithOptions("integrations", new JsonObject().put("tenant_id", 1), new IndexOptions().name("tenant")));
    await(raw.insert("integrations", v1Integration(plainHook, "t1", "webhook", new JsonObject().put("type", "http")
        .put("http", new JsonObject().put("url", "https://one.example.com").put("secret", "deadbeef")), "")));
    await(raw.insert("integrations", v1Integration(encryptedHook, "t2", "webhook", new JsonObject().put("type", "http")
        .put("http", new JsonObject().put("url", "https://two.example.com")
            .put("secret", new JsonObject().put("enc", enc(encryptedBlob)))), "encrypted")));
    await(raw.insert("integrations", v1Integration(hub, "t3", "iot-hub", new JsonObject().put("type", "sas")
        .put("connection_string", new JsonObject().put("enc", enc(hubBlob))), "")));
    await(raw.insert("integrations", v1Integration(core, "t4", "iot-core", new JsonObject().put("type", "aws")
        .put("aws", new JsonObject().put("access_key_id", "AKIA").put("secret_access_key", "plain-text-secret")), "")));
    await(raw.insert("integrations", v1Integration(noSecret, "t5", "webhook", new JsonObject().put("type", "http")
        .put("http", new JsonObject().put("url", "https://five.example.com")), "")));

    List<BulkOperation> events = new ArrayList<>();
    events.add(BulkOperation.createInsert(v1Event(pendingEvent, "t1", plainHook, now.minusSeconds(60), new JsonArray()
        .add(new JsonObject().put("integration_id", plainHook.toString()).put("state", "pending").put("attempts", 1)
            .put("status_code", 503).put("error", "client: unexpected status code from API: 503")
            .put("next_attempt_at", date(now.minusSeconds(5)))))
        .put("due_at", date(now.minusSeconds(5))).put("lease_owner", "old-instance")
        .put("lease_until", date(now.minusSeconds(1))).put("claim", "token")
        .put("attempt_log", new JsonArray().add(new JsonObject().put("integration_id", plainHook.toString())
            .put("attempt", 1).put("time", date(now.minusSeconds(55))).put("status_code", 503)
            .put("error", "client: unexpected status code from API: 503").put("duration_ms", 12).put("trigger", "auto")))));
    events.add(BulkOperation.createInsert(v1Event(deliveredEvent, "t2", encryptedHook, now.minusSeconds(50),
        new JsonArray().add(new JsonObject().put("integration_id", encryptedHook.toString()).put("state", "delivered")
            .put("attempts", 1).put("status_code", 200)))));
    for (int i = 0; i < BULK_EVENTS; i++) {
      events.add(BulkOperation.createInsert(v1Event(UUID.randomUUID(), "t5", noSecret, now.minusSeconds(40).plusMillis(i),
          new JsonArray().add(new JsonObject().put("integration_id", noSecret.toString()).put("state", "failed")
              .put("attempts", 8).put("error", "dial tcp: connection refused")))));
    }
    await(raw.bulkWrite("events", events));
    await(raw.insert("meta", new JsonObject().put("_id", "schema").put("version", 1)
        .put("updated_at", date(now.minusSeconds(3600)))));
  }

  JsonObject v1Event(UUID id, String tenant, UUID integration, Instant time, JsonArray deliveries) {
    Instant precise = time.plusNanos(321);
    Event event = Event.create(id, tenant, EventType.DEVICE_STATUS_CHANGED, "dev-" + id,
        new JsonText("{\"id\":\"dev-" + id + "\",\"status\":\"accepted\"}"), precise);
    return new JsonObject().put("_id", id.toString()).put("tenant_id", tenant).put("type", "device-status-changed")
        .put("device_id", event.deviceId()).put("time", date(precise)).put("time_text", EventTime.format(precise))
        .put("body", event.body()).put("expire_at", date(time.plus(7, ChronoUnit.DAYS))).put("deliveries", deliveries)
        .put("integration_ids", new JsonArray().add(integration.toString()))
        .put("lease_owner", "old-instance").put("lease_until", date(now.minusSeconds(30)));
  }

  /** Every document of both collections, encoded, in a stable order. */
  List<String> snapshot() {
    List<String> all = new ArrayList<>();
    for (String collection : List.of("integrations", "log")) {
      await(raw.findWithOptions(collection, new JsonObject(), new FindOptions().setSort(new JsonObject().put("_id", 1))))
          .forEach(d -> all.add(collection + " " + d.encode()));
    }
    return all;
  }

  // ------------------------------------------------------------------------------------------ tests

  @Test
  void twoInstancesStartingTogetherMigrateOnceAndNothingIsLost() {
    versionOneDatabase();
    MongoStore first = await(Future.all(open(), open()).map(both -> (MongoStore) both.resultAt(0)));

    // integrations: the Go service's documents, readable by their ids, secrets intact
    List<JsonObject> integrations = await(raw.find("integrations", new JsonObject()));
    assertEquals(5, integrations.size(), "one document per integration: " + integrations);
    assertTrue(integrations.stream().allMatch(d -> d.getValue("_id") instanceof JsonObject), "BinData ids only");
    JsonObject plain = integrations.stream().filter(d -> "t1".equals(d.getString("tenant_id"))).findFirst().orElseThrow();
    GoDatabaseAdoptionIT.assertGoIntegration(plain, plainHook, "t1", "https://one.example.com", Optional.empty());
    assertArrayEquals(HexFormat.of().parseHex("deadbeef"),
        SecretCipher.fromBase64Key(KEY).decrypt(GoDatabaseAdoptionIT.storedSecretData(plain)),
        "a plain secret is encrypted under the configured key");
    JsonObject encrypted = integrations.stream().filter(d -> "t2".equals(d.getString("tenant_id"))).findFirst()
        .orElseThrow();
    GoDatabaseAdoptionIT.assertGoIntegration(encrypted, encryptedHook, "t2", "https://two.example.com",
        Optional.of("encrypted"));
    assertArrayEquals(encryptedBlob, GoDatabaseAdoptionIT.storedSecretData(encrypted), "the same blob, rewrapped");

    assertEquals("deadbeef", secretHex(first, "t1", plainHook));
    assertEquals("e1e2e3", secretHex(first, "t2", encryptedHook));
    assertEquals(Map.of("connection_string", "HostName=h;SharedAccessKey=k"),
        await(first.integrations().findById("t3", hub)).orElseThrow().credentials().opaque());
    assertEquals(Map.of("aws.access_key_id", "AKIA", "aws.secret_access_key", "plain-text-secret"),
        await(first.integrations().findById("t4", core)).orElseThrow().credentials().opaque());
    assertTrue(await(first.integrations().findById("t5", noSecret)).orElseThrow().credentials().http().orElseThrow()
        .secret().isEmpty());

    // events: all moved to log, with delivery state, lease and attempt records; events is gone
    assertFalse(await(raw.getCollections()).contains("events"));
    assertEquals(BULK_EVENTS + 2L, await(raw.count("log", new JsonObject())));
    assertEquals(BULK_EVENTS, await(first.events().find("t5", 0, 5000, Optional.empty())).size());
    EventRecord pending = await(first.events().findById("t1", pendingEvent)).orElseThrow();
    assertEquals(List.of(new DeliveryStatus(plainHook, DeliveryState.PENDING, 1, Optional.of(503),
        Optional.of("client: unexpected status code from API: 503"), Optional.of(now.minusSeconds(5)))),
        pending.deliveries());
    assertEquals(now.minusSeconds(60).plusNanos(321), pending.event().time(), "nanoseconds kept");
    assertEquals(List.of(new Attempt(plainHook, 1, now.minusSeconds(55), Optional.of(503),
        Optional.of("client: unexpected status code from API: 503"), 12, AttemptTrigger.AUTO)),
        await(first.events().findAttempts("t1", pendingEvent)).orElseThrow());
    JsonObject pendingDocument = await(raw.findOne("log", new JsonObject().put("_id", GoFixture.bin4(pendingEvent)), null));
    JsonObject status = pendingDocument.getJsonArray("status").getJsonObject(0);
    assertEquals(false, status.getBoolean("success"));
    assertEquals(503, status.getInteger("status"));
    assertEquals("client: unexpected status code from API: 503", status.getString("err"));
    assertEquals(now.plus(7, ChronoUnit.DAYS).minusSeconds(60), DocumentValues.requiredInstant(pendingDocument, "expire_ts"));
    assertEquals(List.of(pendingEvent), await(first.events().claimDue("new-instance", now, now.plusSeconds(60), 10))
        .stream().map(e -> e.event().id()).toList(), "the pending delivery carries on once its old lease expires");
    assertEquals(DeliveryState.DELIVERED,
        await(first.events().findById("t2", deliveredEvent)).orElseThrow().deliveries().get(0).state());

    // recorded; version 1's own index dropped
    JsonObject schema = await(raw.findOne("meta", new JsonObject().put("_id", "schema"), null));
    assertEquals(Schema.VERSION, schema.getInteger("version"));
    assertNotNull(schema.getJsonObject(Schema.MIGRATED_FROM_1), schema.encode());
    assertFalse(Schema.names(await(raw.listIndexes("integrations"))).contains("tenant"));

    // a second start changes nothing
    List<String> before = snapshot();
    await(open());
    assertEquals(before, snapshot());
  }

  @Test
  void anInterruptedMigrationResumesAndTheGoServicesUniqueTenantIndexIsRespected() {
    versionOneDatabase();
    // cut short: t2's new form already written beside its old one, one event in both collections
    Migration migration = new Migration(raw, SecretStorage.of(Optional.of(KEY), Optional.empty()));
    JsonObject oldT2 = await(raw.findOne("integrations", new JsonObject().put("_id", encryptedHook.toString()), null));
    await(raw.insert("integrations", migration.convertIntegration(oldT2)));
    JsonObject oldEvent = await(raw.findOne("events", new JsonObject().put("_id", deliveredEvent.toString()), null));
    await(raw.insert("log", Migration.convertEvent(oldEvent)));
    // and the Go service's unique index on tenant_id (its mender-server flavour) holds the old forms' tenants
    await(raw.dropIndex("integrations", "tenant"));
    await(raw.removeDocument("integrations", new JsonObject().put("_id", encryptedHook.toString())));
    await(raw.createIndexWithOptions("integrations", new JsonObject().put("tenant_id", 1),
        new IndexOptions().name("integration_one_per_tenant").unique(true)));

    MongoStore store = await(open());
    List<JsonObject> integrations = await(raw.find("integrations", new JsonObject()));
    assertEquals(5, integrations.size(), integrations.toString());
    assertTrue(integrations.stream().allMatch(d -> d.getValue("_id") instanceof JsonObject), "BinData ids only");
    assertTrue(integrations.stream().noneMatch(d -> d.containsKey(Migration.MIGRATING_TENANT)));
    for (Map.Entry<String, UUID> tenant : Map.of("t1", plainHook, "t2", encryptedHook, "t3", hub, "t4", core,
        "t5", noSecret).entrySet()) {
      assertEquals(List.of(tenant.getValue()), await(store.integrations().findByTenant(tenant.getKey())).stream()
          .map(Integration::id).toList(), tenant.getKey());
    }
    assertEquals("e1e2e3", secretHex(store, "t2", encryptedHook));
    assertEquals(BULK_EVENTS + 2L, await(raw.count("log", new JsonObject())));
    assertTrue(Schema.names(await(raw.listIndexes("integrations"))).contains("integration_one_per_tenant"),
        "the Go service's index is kept");
  }

  static String secretHex(MongoStore store, String tenant, UUID id) {
    return await(store.integrations().findById(tenant, id)).orElseThrow().credentials().http().orElseThrow().secret()
        .orElseThrow().toHex();
  }
}
