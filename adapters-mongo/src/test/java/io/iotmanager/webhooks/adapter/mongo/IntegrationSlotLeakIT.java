package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration limit heals itself (issue 12): a process that dies between taking a tenant's slot in
 * {@code integration_slots} and inserting the integration (or between deleting one and freeing its
 * slot) leaves a slot that no integration holds. Such a slot is freed when a create would otherwise be
 * refused, once it is older than the grace period that covers a create still under way. Runs on the
 * embedded store and, when {@code IOT_MANAGER_MONGO_URL} is set, on that MongoDB.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntegrationSlotLeakIT {
  @TempDir
  Path dir;
  private TestStores.TestServer server;
  private MongoStore store;

  private MongoStore open(Vertx vertx, boolean real) {
    if (real) {
      assumeTrue(TestStores.realMongo(), "needs IOT_MANAGER_MONGO_URL");
      server = TestStores.startServer(dir);
    } else {
      server = TestStores.startEmbeddedServer(dir);
    }
    store = TestStores.open(vertx, TestStores.settings(server, TestStores.randomDbName("slots")));
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      TestStores.dropDatabase(store);
      await(store.close());
    }
    if (server != null) {
      server.close();
    }
  }

  private static JsonObject slot(String id, Instant at) {
    return new JsonObject().put(MongoIntegrationRepository.SLOT_ID, id)
        .put(MongoIntegrationRepository.SLOT_AT, DocumentValues.date(at));
  }

  private void plantSlots(String tenant, JsonObject... slots) {
    JsonArray list = new JsonArray();
    for (JsonObject s : slots) {
      list.add(s);
    }
    await(store.client().insert(MongoIntegrationRepository.SLOTS, new JsonObject().put("_id", tenant)
        .put(MongoIntegrationRepository.SLOT_LIST, list)));
  }

  private static Integration webhook(String tenant) {
    return MongoIntegrationRepositoryIT.webhook(tenant, "https://example.com/" + UUID.randomUUID(), Optional.empty());
  }

  @ParameterizedTest(name = "real MongoDB: {0}")
  @ValueSource(booleans = {false, true})
  void aSlotLeftByACrashBeforeTheInsertIsFreedOnceOlderThanTheGrace(boolean real, Vertx vertx) {
    open(vertx, real);
    String tenant = MongoIntegrationRepositoryIT.tenant();
    // What a process killed between taking the slot and inserting leaves: an entry, no integration.
    Instant longAgo = Instant.now().minus(MongoIntegrationRepository.SLOT_GRACE).minus(Duration.ofSeconds(5));
    plantSlots(tenant, slot(UUID.randomUUID().toString(), longAgo));

    await(store.integrations().insert(webhook(tenant), 1));
    assertEquals(1, await(store.integrations().findByTenant(tenant)).size());
    Throwable second = failure(store.integrations().insert(webhook(tenant), 1));
    assertInstanceOf(ApplicationException.Conflict.class, second, "the limit still holds: " + second);
  }

  @ParameterizedTest(name = "real MongoDB: {0}")
  @ValueSource(booleans = {false, true})
  void aSlotTakenMomentsAgoIsNotFreedForACreateMayStillBeUnderWay(boolean real, Vertx vertx) {
    open(vertx, real);
    String tenant = MongoIntegrationRepositoryIT.tenant();
    plantSlots(tenant, slot(UUID.randomUUID().toString(), Instant.now()));

    Throwable refused = failure(store.integrations().insert(webhook(tenant), 1));
    assertInstanceOf(ApplicationException.Conflict.class, refused, "a create in progress keeps its slot: " + refused);
    assertEquals(0, await(store.integrations().findByTenant(tenant)).size());
  }

  @ParameterizedTest(name = "real MongoDB: {0}")
  @ValueSource(booleans = {false, true})
  void aSlotLeftByACrashAfterADeleteIsFreed(boolean real, Vertx vertx) {
    open(vertx, real);
    String tenant = MongoIntegrationRepositoryIT.tenant();
    Integration first = webhook(tenant);
    await(store.integrations().insert(first, 1));
    // What a process killed between removing the integration and freeing its slot leaves (created a
    // while ago, as integrations that get deleted usually were).
    await(store.client().removeDocument(IntegrationDocuments.COLLECTION,
        new JsonObject().put(IntegrationDocuments.ID, DocumentValues.uuid(first.id()))));
    await(store.client().updateCollection(MongoIntegrationRepository.SLOTS, new JsonObject().put("_id", tenant),
        new JsonObject().put("$set", new JsonObject().put(MongoIntegrationRepository.SLOT_LIST,
            new JsonArray().add(slot(first.id().toString(), Instant.now().minus(Duration.ofHours(1))))))));

    await(store.integrations().insert(webhook(tenant), 1));
    assertEquals(1, await(store.integrations().findByTenant(tenant)).size());
  }

  @ParameterizedTest(name = "real MongoDB: {0}")
  @ValueSource(booleans = {false, true})
  void aCounterOfTheEarlierFormIsRebuiltFromTheIntegrations(boolean real, Vertx vertx) {
    open(vertx, real);
    String tenant = MongoIntegrationRepositoryIT.tenant();
    // the earlier form: a bare counter, here one that leaked a slot (no integration exists)
    await(store.client().insert(MongoIntegrationRepository.SLOTS, new JsonObject().put("_id", tenant)
        .put(MongoIntegrationRepository.USED, 1)));

    await(store.integrations().insert(webhook(tenant), 1));
    Throwable second = failure(store.integrations().insert(webhook(tenant), 1));
    assertInstanceOf(ApplicationException.Conflict.class, second, "the limit holds after the rebuild: " + second);
    Integration only = await(store.integrations().findByTenant(tenant)).get(0);
    await(store.integrations().delete(tenant, only.id()));
    await(store.integrations().insert(webhook(tenant), 1));
    assertEquals(1, await(store.integrations().findByTenant(tenant)).size(), "a delete frees its slot");
  }
}
