package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedMongoServer;
import io.iotmanager.webhooks.adapter.mongo.embedded.FullDiskFilePath;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Opening and closing the store, the embedded mode, and a store that is down. */
@ExtendWith(VertxExtension.class)
class MongoStoreIT {
  @TempDir
  Path tempDir;

  static EventRecord event(String tenant, Instant time) {
    Event event = Event.create(UUID.randomUUID(), tenant, EventType.DEVICE_DECOMMISSIONED, "dev1",
        new JsonText("{\"id\":\"dev1\"}"), time);
    return new EventRecord(event, List.of(DeliveryStatus.pending(UUID.randomUUID(), time)));
  }

  @Test
  void opensTheEmbeddedServerInTheDataDirectoryWhenNoUrlIsSet(Vertx vertx) {
    Path dataDir = tempDir.resolve("data");
    MongoStore store = TestStores.open(vertx, MongoStoreSettings.embedded(dataDir));
    try {
      assertTrue(Files.exists(dataDir.resolve(EmbeddedMongoServer.FILE_NAME)));
      assertTrue(store.description().startsWith("embedded store private to this process, mongo-java-server"),
          store.description());
      assertTrue(store.description().contains("database iot_manager"), store.description());
      assertTrue(store.description().contains("secrets stored unencrypted"), store.description());
      // no address anyone could mistake for a usable database
      assertFalse(store.description().contains("mongodb://"), store.description());
      assertFalse(store.description().contains("127.0.0.1"), store.description());
      await(store.health().ping());
      JsonObject schema = await(store.client().findOne("meta", new JsonObject().put("_id", "schema"), null));
      assertEquals(Schema.VERSION, schema.getInteger("version"));
      assertTrue(await(store.client().getCollections()).containsAll(List.of("integrations", "log", "meta")));
    } finally {
      await(store.close());
    }
    await(store.close()); // idempotent
    // closed means closed: the driver too (vertx-mongo-client's own close() returns before it is)
    failure(store.client().runCommand("ping", new JsonObject().put("ping", 1)));
  }

  /**
   * The embedded server reads the outcome update's {@code {_id, lease_owner}} filter by {@code _id}
   * (EmbeddedQueryPlanIT counts what it decodes), so the unique index earlier versions gave that filter
   * only cost memory and work on every write: an existing store's is dropped at start-up, and the lease
   * guard holds without it.
   */
  @Test
  void theEmbeddedServerDropsTheFormerLeaseGuardIndexAndTheGuardHoldsWithoutIt(Vertx vertx) {
    MongoStoreSettings settings = MongoStoreSettings.embedded(tempDir.resolve("data"));
    MongoStore former = TestStores.open(vertx, settings);
    await(former.client().createIndexes(EventDocuments.COLLECTION, List.of(new io.vertx.ext.mongo.IndexModel(
        new JsonObject().put("_id", 1).put("lease_owner", 1),
        new io.vertx.ext.mongo.IndexOptions().name(Schema.FORMER_ID_LEASE_OWNER_INDEX).unique(true)))));
    assertTrue(indexNames(former).contains(Schema.FORMER_ID_LEASE_OWNER_INDEX), "as an earlier version left it");
    await(former.close());
    MongoStore store = TestStores.open(vertx, settings);
    try {
      List<String> indexes = indexNames(store);
      assertFalse(indexes.contains(Schema.FORMER_ID_LEASE_OWNER_INDEX), indexes.toString());

      EventRecord record = event("t", Instant.now());
      UUID integration = record.deliveries().get(0).integrationId();
      await(store.events().insertAll(List.of(record), "i1", Instant.now().plusSeconds(60)));
      DeliveryStatus delivered = new DeliveryStatus(integration, DeliveryState.DELIVERED, 1, Optional.of(200),
          Optional.empty(), Optional.empty());
      DeliveryStatus failed = new DeliveryStatus(integration, DeliveryState.FAILED, 1, Optional.of(500),
          Optional.of("x"), Optional.empty());
      // another owner's outcome does not apply
      await(store.events().recordOutcomes(List.of(new DeliveryOutcome(record.event().id(), Map.of(0, failed),
          List.of(), Optional.empty(), Optional.of("i2"), Optional.empty()))));
      assertEquals(DeliveryState.PENDING, state(store, record));
      // the owner's does, and releases the lease
      await(store.events().recordOutcomes(List.of(new DeliveryOutcome(record.event().id(), Map.of(0, delivered),
          List.of(), Optional.empty(), Optional.of("i1"), Optional.empty()))));
      assertEquals(DeliveryState.DELIVERED, state(store, record));
      // once released, a late outcome of the former owner does not apply either
      await(store.events().recordOutcomes(List.of(new DeliveryOutcome(record.event().id(), Map.of(0, failed),
          List.of(), Optional.empty(), Optional.of("i1"), Optional.empty()))));
      assertEquals(DeliveryState.DELIVERED, state(store, record));
    } finally {
      await(store.close());
    }
  }

  private static List<String> indexNames(MongoStore store) {
    return await(store.client().listIndexes(EventDocuments.COLLECTION)).stream()
        .map(index -> ((JsonObject) index).getString("name")).toList();
  }

  private static DeliveryState state(MongoStore store, EventRecord record) {
    return await(store.events().findById("t", record.event().id())).orElseThrow().deliveries().get(0).state();
  }

  @Test
  void closeReleasesTheDriver(Vertx vertx) throws InterruptedException {
    try (TestStores.TestServer server = TestStores.startServer(tempDir)) {
      Set<Thread> before = driverThreads();
      MongoStore store = TestStores.open(vertx, TestStores.settings(server, TestStores.randomDbName("close")));
      TestStores.dropDatabase(store);
      Set<Thread> ours = driverThreads();
      ours.removeAll(before);
      assertFalse(ours.isEmpty(), "the driver runs monitor threads named cluster-…");
      await(store.close());
      // the driver's close interrupts its monitors; they end a moment later (not joined)
      Awaitility.await("the driver's monitor threads have ended: no client leaks").atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertEquals(List.of(), ours.stream().filter(Thread::isAlive).map(Thread::getName)
              .toList(), "the driver's monitor threads have ended: no client leaks"));
    }
  }

  static Set<Thread> driverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("cluster-"))
        .collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  void theEmbeddedServerKeepsDataAcrossRestartsAndSweepsExpiredEventsAtStart(Vertx vertx)
      throws InterruptedException {
    Path dataDir = tempDir.resolve("data");
    MongoStoreSettings settings = MongoStoreSettings.embedded(dataDir);
    EventRecord expired = event("t", Instant.now().minusSeconds(MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS + 60));
    EventRecord fresh = event("t", Instant.now());
    MongoStore first = TestStores.open(vertx, settings);
    await(first.events().insertAll(List.of(expired, fresh), "i1", Instant.now()));
    await(first.close());

    MongoStore second = TestStores.open(vertx, settings);
    try {
      assertTrue(await(second.events().findById("t", fresh.event().id())).isPresent(), "survives a restart");
      Awaitility.await("the start-up sweep deletes the expired event").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> await(second.events().findById("t", expired.event().id())).isEmpty());
    } finally {
      await(second.close());
    }
  }

  @Test
  void aSecondInstanceOnTheSameDataDirectoryIsRefused(Vertx vertx) {
    MongoStoreSettings settings = MongoStoreSettings.embedded(tempDir.resolve("data"));
    MongoStore first = TestStores.open(vertx, settings);
    try {
      Throwable refused = failure(MongoStore.open(vertx, settings));
      assertInstanceOf(ApplicationException.StoreUnavailable.class, refused);
      assertTrue(refused.getMessage().contains("locked"), refused.getMessage());
    } finally {
      await(first.close());
    }
    // the lock is released on close
    await(TestStores.open(vertx, settings).close());
  }

  @Test
  void openingIsIdempotentAndRefusesANewerSchema(Vertx vertx) {
    try (TestStores.TestServer server = TestStores.startServer(tempDir)) {
      MongoStoreSettings settings = TestStores.settings(server, TestStores.randomDbName("schema"));
      MongoStore first = TestStores.open(vertx, settings);
      MongoStore second = TestStores.open(vertx, settings);
      try {
        assertTrue(second.description().contains(settings.dbName()), second.description());
        await(first.client().updateCollection("meta", new JsonObject().put("_id", "schema"),
            new JsonObject().put("$set", new JsonObject().put("version", 99))));
        Throwable newer = failure(MongoStore.open(vertx, settings));
        assertInstanceOf(ApplicationException.StoreUnavailable.class, newer);
        assertTrue(newer.getMessage().contains("schema version 99"), newer.getMessage());
      } finally {
        TestStores.dropDatabase(first);
        await(first.close());
        await(second.close());
      }
    }
  }

  @Test
  void openingADeadStoreFailsFastWithTheDefaultTimeouts(Vertx vertx) {
    long start = System.nanoTime();
    Throwable dead = failure(MongoStore.open(vertx, new MongoStoreSettings("mongodb://127.0.0.1:1",
        "iot_manager", tempDir, 60, Optional.empty(), Optional.empty(), Duration.ofSeconds(1))));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertInstanceOf(ApplicationException.StoreUnavailable.class, dead);
    assertTrue(dead.getMessage().contains("mongodb://127.0.0.1:1"), dead.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
  }

  @Test
  void aUrlThatDoesNotParseIsAConfigurationError(Vertx vertx) {
    Throwable invalid = failure(MongoStore.open(vertx, new MongoStoreSettings("http://db:27017", "iot_manager",
        tempDir, 60, Optional.empty(), Optional.empty(), Duration.ofSeconds(1))));
    assertInstanceOf(IllegalArgumentException.class, invalid);
    assertTrue(invalid.getMessage().startsWith("mongo_url: "), invalid.getMessage());
  }

  /**
   * The embedded store reads a tenant's integrations once and keeps them until one changes
   * ({@link CachedIntegrationRepository}, wired by {@link MongoStore#open} for the embedded store only):
   * counted on the wire, through the store's real repository and server.
   */
  @Test
  void theEmbeddedStoreReadsATenantsIntegrationsOnceUntilOneChanges(Vertx vertx) {
    TestStores.CountingMetrics metrics = new TestStores.CountingMetrics();
    MongoStore store = await(MongoStore.open(vertx, MongoStoreSettings.embedded(tempDir.resolve("kept")), metrics));
    try {
      io.iotmanager.webhooks.domain.Integration webhook = SecretEncryptionIT.webhook("t", "deadbeef");
      await(store.integrations().insert(webhook, 1));
      long finds = metrics.commands("find");
      for (int i = 0; i < 5; i++) {
        assertEquals(List.of(webhook.id()), await(store.integrations().findByTenantWithHealth("t")).stream()
            .map(m -> m.integration().id()).toList());
      }
      assertEquals(finds + 1, metrics.commands("find"), "five lists, one read");

      java.net.URI moved = java.net.URI.create("https://moved.example.com/hook");
      assertTrue(await(store.integrations().updateCredentials("t", webhook.id(),
          io.iotmanager.webhooks.domain.Credentials.http(new io.iotmanager.webhooks.domain.HttpCredentials(moved,
              Optional.empty())))));
      assertEquals(moved, await(store.integrations().findByTenant("t")).get(0).credentials().http().orElseThrow()
          .url(), "the change is seen by the next read");
      assertEquals(finds + 2, metrics.commands("find"));
    } finally {
      await(store.close());
    }
  }

  @Test
  void aRestartedEmbeddedStoreHandsOverThePreviousProcessesLeasesAtOnce(Vertx vertx) {
    Path dataDir = tempDir.resolve("takeover");
    Instant now = Instant.now();
    List<EventRecord> held = new java.util.ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      held.add(event("t", now));
    }
    MongoStore first = TestStores.open(vertx, MongoStoreSettings.embedded(dataDir));
    try {
      // accepted and claimed at birth by the first process, for a minute
      await(first.events().insertAll(held, "gone-process", now.plusSeconds(60)));
      assertEquals(List.of(), await(first.events().claimDue("other", Instant.now(), Instant.now().plusSeconds(60), 10)),
          "leased: nobody else may claim them");
    } finally {
      await(first.close());
    }

    MongoStore second = TestStores.open(vertx, MongoStoreSettings.embedded(dataDir));
    long started = System.nanoTime(); // ready
    try {
      Set<UUID> claimed = new HashSet<>();
      List<EventRecord> batch;
      do {
        batch = await(second.events().claimDue("new-process", Instant.now(), Instant.now().plusSeconds(60), 500));
        batch.forEach(r -> claimed.add(r.event().id()));
      } while (!batch.isEmpty());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertEquals(held.stream().map(r -> r.event().id()).collect(Collectors.toSet()), claimed);
      // not after the 60 s lease: all claimable within 10 s of being ready
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    } finally {
      await(second.close());
    }
  }

  @Test
  void aFullDiskGivesStoreUnavailableToIntakeAndHealthNamingTheReasonThenRecoversOnItsOwn(Vertx vertx) {
    FullDiskFilePath.register();
    EmbeddedMongoServer server = EmbeddedMongoServer.start(tempDir.resolve("full"), FullDiskFilePath.PREFIX);
    MongoStore store = TestStores.open(vertx, new MongoStoreSettings(server.connectionString(), "iot_manager",
        tempDir, 60, Optional.empty(), Optional.empty(), Duration.ofSeconds(2)));
    try {
      EventRecord kept = event("t", Instant.now());
      await(store.events().insertAll(List.of(kept), "i1", Instant.now()));
      await(store.health().ping());

      FullDiskFilePath.full(true);
      Throwable intake = failure(store.events().insertAll(List.of(event("t", Instant.now())), "i1", Instant.now()));
      assertInstanceOf(ApplicationException.StoreUnavailable.class, intake);
      Throwable health = failure(store.health().ping());
      assertInstanceOf(ApplicationException.StoreUnavailable.class, health);
      assertTrue(health.getMessage().contains("No space left on device"), health.getMessage());
      assertTrue(health.getMessage().contains("iot-webhooks.mv.db"), health.getMessage());
      // refused at once while full, never a success
      assertInstanceOf(ApplicationException.StoreUnavailable.class,
          failure(store.events().insertAll(List.of(event("t", Instant.now())), "i1", Instant.now())));

      FullDiskFilePath.full(false);
      Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> store.health().ping().await(5, java.util.concurrent.TimeUnit.SECONDS) == null);
      await(store.events().insertAll(List.of(event("t", Instant.now())), "i1", Instant.now()));
      assertTrue(await(store.events().findById("t", kept.event().id())).isPresent(), "the acknowledged event is kept");
    } finally {
      FullDiskFilePath.full(false);
      await(store.close());
      server.close();
    }
  }

  @Test
  void aStoreThatGoesDownFailsEveryCallWithStoreUnavailable(Vertx vertx) {
    EmbeddedMongoServer server = EmbeddedMongoServer.start(tempDir.resolve("down"));
    MongoStore store = TestStores.open(vertx, new MongoStoreSettings(
        server.connectionString() + "&serverSelectionTimeoutMS=1000&connectTimeoutMS=500", "iot_manager", tempDir,
        60, Optional.empty(), Optional.empty(), Duration.ofMillis(500)));
    try {
      await(store.events().insertAll(List.of(event("t", Instant.now())), "i1", Instant.now()));
      server.close();

      Throwable insert = failure(store.events().insertAll(List.of(event("t", Instant.now())), "i1", Instant.now()));
      assertInstanceOf(ApplicationException.StoreUnavailable.class, insert);
      assertEquals("store unavailable: cannot store events", insert.getMessage());
      assertInstanceOf(ApplicationException.StoreUnavailable.class,
          failure(store.events().find("t", 0, 20, Optional.empty())));
      assertInstanceOf(ApplicationException.StoreUnavailable.class, failure(store.integrations().findByTenant("t")));
      assertInstanceOf(ApplicationException.StoreUnavailable.class, failure(store.health().ping()));
    } finally {
      server.close();
      await(store.close());
    }
  }

  @Test
  void theHealthProbeGivesUpAfterItsTimeoutWhenTheStoreHangs(Vertx vertx) {
    // accepts connections and never answers
    NetServer blackHole = await(vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"));
    MongoClient client = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", "mongodb://127.0.0.1:" + blackHole.actualPort())
        .put("db_name", "x")
        .put("serverSelectionTimeoutMS", 30_000L));
    try {
      long start = System.nanoTime();
      Throwable timeout = failure(new MongoHealthProbe(client, Duration.ofMillis(300), Optional::empty).ping());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertInstanceOf(ApplicationException.StoreUnavailable.class, timeout);
      assertTrue(timeout.getMessage().contains("300 ms"), timeout.getMessage());
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    } finally {
      await(MongoStore.closeClient(vertx, client));
      await(blackHole.close());
    }
  }
}
