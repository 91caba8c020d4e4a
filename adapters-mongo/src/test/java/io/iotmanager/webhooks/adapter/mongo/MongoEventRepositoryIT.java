package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MongoEventRepositoryIT {
  /**
   * Recent times only: a real server's TTL monitor deletes events whose expire_ts (event_ts + retention)
   * has passed, and in CI it runs every second.
   */
  static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
  static final String OWNER = "instance-1";

  /** Commands the driver sent, by name, as {@code GET /metrics} counts them. */
  static final TestStores.CountingMetrics METRICS = new TestStores.CountingMetrics();
  @RegisterExtension
  static final TestStores.StorePerClass STORE = new TestStores.StorePerClass("events", METRICS);
  static MongoStore store;
  static MongoEventRepository repository;

  /** Insert commands sent so far (the sweeper of expired events on the embedded store sends none). */
  static long insertCommands() {
    return METRICS.commands("insert");
  }

  @BeforeAll
  static void open() {
    store = STORE.store();
    repository = store.eventRepository();
  }

  static String tenant() {
    return "tenant-" + UUID.randomUUID();
  }

  static EventRecord event(String tenant, Instant time, List<UUID> integrations) {
    String device = "dev-" + UUID.randomUUID();
    Event event = Event.create(UUID.randomUUID(), tenant, EventType.DEVICE_STATUS_CHANGED, device,
        new JsonText("{\"id\":\"" + device + "\",\"status\":\"accepted\"}"), time);
    return new EventRecord(event, integrations.stream().map(id -> DeliveryStatus.pending(id, time)).toList());
  }

  static List<UUID> ids(List<EventRecord> records) {
    return records.stream().map(r -> r.event().id()).toList();
  }

  @Test
  void storesAndReadsBackAnEventExactly() {
    String tenant = tenant();
    UUID integration = UUID.randomUUID();
    Instant time = BASE.plusNanos(123_456_789);
    EventRecord record = event(tenant, time, List.of(integration));
    await(repository.insertAll(List.of(record), OWNER, time.plusSeconds(30)));

    EventRecord found = await(repository.findById(tenant, record.event().id())).orElseThrow();
    assertEquals(record.event(), found.event(), "the event, its nanosecond time and exact body round-trip");
    assertEquals(time, found.event().time());
    // delivery times are BSON dates: milliseconds
    assertEquals(List.of(new DeliveryStatus(integration, DeliveryState.PENDING, 0, Optional.empty(), Optional.empty(),
        Optional.of(BASE.plusMillis(123)))), found.deliveries());
  }

  @Test
  void storesTheDocumentShapeOfTheGoServiceWithTheDeliveryStateBeside() {
    String tenant = tenant();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    Instant time = BASE.plusMillis(500);
    EventRecord record = event(tenant, time, List.of(first, second));
    Instant leaseUntil = time.plusSeconds(60);
    await(repository.insertAll(List.of(record), OWNER, leaseUntil));

    JsonObject document = await(store.client().findOne("log",
        new JsonObject().put("_id", DocumentValues.uuid(record.event().id())), null));
    assertEquals(4, document.getJsonObject("_id").getInteger("$type"), "BinData subtype 4");
    assertEquals(tenant, document.getString("tenant_id"));
    assertEquals("device-status-changed", document.getString("type"));
    assertEquals(new JsonObject().put("id", record.event().deviceId()).put("status", "accepted"),
        document.getJsonObject("data"));
    assertEquals(time, DocumentValues.requiredInstant(document, "event_ts"));
    assertEquals(time.plusSeconds(MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS),
        DocumentValues.requiredInstant(document, "expire_ts"));
    assertEquals(EventTime.format(time), document.getString("time_text"));
    assertTrue(document.getString("time_text").endsWith(".5Z"), "RFC 3339 without trailing zeros");
    assertEquals(record.event().body(), document.getString("body"));
    JsonObject delivery = document.getJsonArray("status").getJsonObject(0);
    assertEquals(first, DocumentValues.requiredUuid(delivery, "integration_id"));
    assertEquals(4, delivery.getJsonObject("integration_id").getInteger("$type"));
    assertEquals(false, delivery.getBoolean("success"));
    assertEquals("pending", delivery.getString("state"));
    assertEquals(0, delivery.getInteger("attempts"));
    assertEquals(time, DocumentValues.requiredInstant(delivery, "next_attempt_at"));
    assertFalse(delivery.containsKey("status"));
    assertFalse(delivery.containsKey("err"));
    assertEquals(second, DocumentValues.requiredUuid(document.getJsonArray("status").getJsonObject(1), "integration_id"));
    assertEquals(time, DocumentValues.requiredInstant(document, "due_at"));
    assertEquals(OWNER, document.getString("lease_owner"));
    assertEquals(leaseUntil, DocumentValues.requiredInstant(document, "lease_until"));
  }

  @Test
  void finishedDeliveriesCarryTheirOutcomeInTheGoServicesFieldsAndNoDueTime() {
    String tenant = tenant();
    UUID delivered = UUID.randomUUID();
    UUID failed = UUID.randomUUID();
    Event event = event(tenant, BASE, List.of()).event();
    EventRecord record = new EventRecord(event, List.of(
        new DeliveryStatus(delivered, DeliveryState.DELIVERED, 1, Optional.of(200), Optional.empty(), Optional.empty()),
        new DeliveryStatus(failed, DeliveryState.FAILED, 8, Optional.of(500), Optional.of(
            "client: unexpected status code from API: 500"), Optional.empty())));
    await(repository.insertAll(List.of(record), OWNER, BASE));

    assertEquals(record, await(repository.findById(tenant, event.id())).orElseThrow());
    JsonObject document = await(store.client().findOne("log", new JsonObject().put("_id", DocumentValues.uuid(event.id())),
        null));
    assertFalse(document.containsKey("due_at"), "nothing pending: not in the claimable set");
    JsonObject ok = document.getJsonArray("status").getJsonObject(0);
    assertEquals(true, ok.getBoolean("success"));
    assertEquals(200, ok.getInteger("status"));
    JsonObject ko = document.getJsonArray("status").getJsonObject(1);
    assertEquals(false, ko.getBoolean("success"));
    assertEquals(500, ko.getInteger("status"));
    assertEquals("client: unexpected status code from API: 500", ko.getString("err"));
  }

  @Test
  void anAttemptKeepsTheStartOfTheResponseBody() {
    String tenant = tenant();
    UUID integration = UUID.randomUUID();
    EventRecord record = event(tenant, BASE, List.of(integration));
    await(repository.insertAll(List.of(record), OWNER, BASE.plusSeconds(60)));
    DeliveryStatus failed = new DeliveryStatus(integration, DeliveryState.FAILED, 1, Optional.of(400),
        Optional.of("client: unexpected status code from API: 400"), Optional.empty());
    io.iotmanager.webhooks.domain.Attempt attempt = new io.iotmanager.webhooks.domain.Attempt(integration, 1, BASE,
        Optional.of(400), failed.error(), 12, io.iotmanager.webhooks.domain.AttemptTrigger.AUTO,
        Optional.of("{\"error\":\"unknown device\"}"));
    await(repository.recordOutcomes(List.of(new io.iotmanager.webhooks.domain.DeliveryOutcome(record.event().id(),
        java.util.Map.of(0, failed), List.of(attempt), Optional.empty(), Optional.of(OWNER), Optional.empty()))));

    assertEquals(List.of(attempt), await(repository.findAttempts(tenant, record.event().id())).orElseThrow());
  }

  @Test
  void aBatchOfOneHundredEventsIsOneStoreCommand() {
    String tenant = tenant();
    List<UUID> integrations = List.of(UUID.randomUUID());
    List<EventRecord> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(event(tenant, BASE, integrations));
    }
    Optional<Long> insertsBefore = serverInsertCommands();
    assertEquals(TestStores.realMongo(), insertsBefore.isPresent(), "a real MongoDB reports its command counters");
    long before = insertCommands();
    await(repository.insertAll(batch, OWNER, BASE.plusSeconds(30)));
    assertEquals(1, insertCommands() - before, "one bulk write for the whole batch");
    // on a real server, count the write commands it actually received on the collection
    insertsBefore.ifPresent(count -> assertEquals(count + 1, serverInsertCommands().orElseThrow()));
    assertEquals(100, await(repository.find(tenant, 0, 500, Optional.empty())).size());

    long beforeEmpty = insertCommands();
    await(repository.insertAll(List.of(), OWNER, BASE));
    assertEquals(beforeEmpty, insertCommands(), "an empty batch costs no command");
  }

  /**
   * The write commands the server received on this class's event collection ({@code $collStats}
   * {@code latencyStats.writes.ops}, one per command however many documents it carries), where the server
   * reports it (a real MongoDB). Counted per collection of this class's own database, so tests running
   * beside it on the same server do not count.
   */
  static Optional<Long> serverInsertCommands() {
    if (!TestStores.realMongo()) {
      return Optional.empty();
    }
    JsonObject reply = await(store.client().runCommand("aggregate", new JsonObject()
        .put("aggregate", EventDocuments.COLLECTION)
        .put("pipeline", new JsonArray().add(new JsonObject().put("$collStats",
            new JsonObject().put("latencyStats", new JsonObject()))))
        .put("cursor", new JsonObject())));
    JsonArray batch = reply.getJsonObject("cursor").getJsonArray("firstBatch");
    return Optional.of(batch.isEmpty() ? 0L // no such collection yet: nothing written to it
        : batch.getJsonObject(0).getJsonObject("latencyStats").getJsonObject("writes").getLong("ops"));
  }

  @Test
  void pagesThroughATenantsEventsNewestFirstWithTheIntegrationFilter() {
    String tenant = tenant();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    List<EventRecord> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // several events share each millisecond: the _id tie-break must keep pages disjoint
      Instant time = BASE.plusMillis(i / 3).plusNanos(i % 3);
      List<UUID> targets = i % 3 == 0 ? List.of(a, b) : i % 3 == 1 ? List.of(a) : List.of(b);
      all.add(event(tenant, time, targets));
    }
    List<EventRecord> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    for (int from = 0; from < shuffled.size(); from += 100) {
      await(repository.insertAll(shuffled.subList(from, from + 100), OWNER, BASE.plusSeconds(30)));
    }
    await(repository.insertAll(List.of(event(tenant(), BASE.plusSeconds(3600), List.of(a))), OWNER, BASE));

    List<UUID> everything = new ArrayList<>();
    for (int skip = 0; skip < 320; skip += 20) {
      List<EventRecord> page = await(repository.find(tenant, skip, 20, Optional.empty()));
      everything.addAll(ids(page));
    }
    assertEquals(300, everything.size());
    assertEquals(300, everything.stream().distinct().count(), "pages do not overlap");
    List<Instant> times = everything.stream().map(id -> all.stream().filter(r -> r.event().id().equals(id))
        .findFirst().orElseThrow().event().time()).toList();
    List<Instant> newestFirst = new ArrayList<>(times);
    newestFirst.sort(Comparator.comparing((Instant t) -> t.toEpochMilli()).reversed());
    assertEquals(newestFirst.stream().map(Instant::toEpochMilli).toList(),
        times.stream().map(Instant::toEpochMilli).toList(), "newest first (millisecond order)");

    List<EventRecord> toA = await(repository.find(tenant, 0, 500, Optional.of(a)));
    assertEquals(200, toA.size());
    assertTrue(toA.stream().allMatch(r -> r.deliveries().stream().anyMatch(d -> d.integrationId().equals(a))));
    List<EventRecord> toB = await(repository.find(tenant, 190, 20, Optional.of(b)));
    assertEquals(10, toB.size(), "the last page of 200");
    assertEquals(List.of(), await(repository.find(tenant, 0, 20, Optional.of(UUID.randomUUID()))));
    assertEquals(List.of(), await(repository.find(tenant, 300, 20, Optional.empty())));
    assertEquals(List.of(), await(repository.find(tenant(), 0, 20, Optional.empty())));

    EventRecord newest = await(repository.find(tenant, 0, 1, Optional.empty())).get(0);
    assertEquals(BASE.plusMillis(99), Instant.ofEpochMilli(newest.event().time().toEpochMilli()));
  }

  @Test
  void extendingLeasesOnlyLengthensThisOwnersLeases() {
    String tenant = tenant();
    EventRecord mine = event(tenant, BASE, List.of(UUID.randomUUID()));
    EventRecord theirs = event(tenant, BASE, List.of(UUID.randomUUID()));
    Instant until = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
    await(repository.insertAll(List.of(mine), OWNER, until));
    await(repository.insertAll(List.of(theirs), "other-instance", until));

    Instant later = until.plusSeconds(60);
    await(repository.extendLeases(OWNER, List.of(mine.event().id(), theirs.event().id()), later));
    assertEquals(later, leaseUntil(mine));
    assertEquals(until, leaseUntil(theirs), "another instance's lease is left alone");

    await(repository.extendLeases(OWNER, List.of(mine.event().id()), until));
    assertEquals(later, leaseUntil(mine), "a shorter lease never replaces a longer one");
  }

  @Test
  void releasingLeasesEndsOnlyThisOwnersUnchangedLeasesInOneCommand() {
    String tenant = tenant();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant birth = now.plusSeconds(30);
    List<UUID> integrations = List.of(UUID.randomUUID());
    List<EventRecord> refused = List.of(event(tenant, now, integrations), event(tenant, now, integrations));
    EventRecord theirs = event(tenant, now, integrations);
    EventRecord claimedSince = event(tenant, now, integrations);
    await(repository.insertAll(refused, OWNER, birth));
    await(repository.insertAll(List.of(theirs), "other-instance", birth));
    await(repository.insertAll(List.of(claimedSince), OWNER, birth.plusSeconds(5)));
    long updates = METRICS.commands("update");
    long writes = METRICS.writes();

    await(repository.releaseLeases(OWNER, List.of(refused.get(0).event().id(), refused.get(1).event().id(),
        theirs.event().id(), claimedSince.event().id()), birth));

    assertEquals(updates + 1, METRICS.commands("update"), "one command for the batch");
    assertEquals(writes + 2, METRICS.writes(), "only the two events still under the lease given");
    for (EventRecord record : refused) {
      JsonObject document = document(record);
      assertFalse(document.containsKey("lease_until"), "claimable at once: " + document);
      assertFalse(document.containsKey("lease_owner"));
    }
    assertEquals(birth, leaseUntil(theirs), "another instance's lease is left alone");
    assertEquals(birth.plusSeconds(5), leaseUntil(claimedSince), "a lease given since is left alone");
  }

  @Test
  void takingAnEventsLeaseSucceedsOnlyWhenNoOtherInstanceHoldsALiveOne() {
    String tenant = tenant();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<UUID> integrations = List.of(UUID.randomUUID());
    EventRecord free = event(tenant, now, integrations);
    EventRecord theirs = event(tenant, now, integrations);
    EventRecord expired = event(tenant, now, integrations);
    EventRecord mine = event(tenant, now, integrations);
    await(repository.insertAll(List.of(free), OWNER, now.plusSeconds(30)));
    await(repository.releaseLeases(OWNER, List.of(free.event().id()), now.plusSeconds(30)));
    await(repository.insertAll(List.of(theirs), "other-instance", now.plusSeconds(30)));
    await(repository.insertAll(List.of(expired), "other-instance", now.minusSeconds(1)));
    await(repository.insertAll(List.of(mine), OWNER, now.plusSeconds(60)));
    Instant until = now.plusSeconds(12);
    long commands = METRICS.commands("findAndModify");

    EventRepository.LeaseTake taken = await(repository.takeLease(OWNER, tenant, free.event().id(), now, until))
        .orElseThrow();
    assertTrue(taken.taken());
    assertEquals(Optional.of(until), taken.leaseUntil());
    assertEquals(free.event().id(), taken.record().event().id());
    assertEquals(commands + 1, METRICS.commands("findAndModify"), "one command when taken");
    assertEquals(OWNER, document(free).getString("lease_owner"));
    assertEquals(until, leaseUntil(free));

    EventRepository.LeaseTake held = await(repository.takeLease(OWNER, tenant, theirs.event().id(), now, until))
        .orElseThrow();
    assertFalse(held.taken(), "another instance's live lease is left alone");
    assertEquals(Optional.of(now.plusSeconds(30)), held.leaseUntil(), "and reported");
    assertEquals("other-instance", document(theirs).getString("lease_owner"));

    assertTrue(await(repository.takeLease(OWNER, tenant, expired.event().id(), now, until)).orElseThrow().taken(),
        "a lease that ran out is taken over");
    assertEquals(OWNER, document(expired).getString("lease_owner"));

    EventRepository.LeaseTake own = await(repository.takeLease(OWNER, tenant, mine.event().id(), now, until))
        .orElseThrow();
    assertTrue(own.taken());
    assertEquals(Optional.of(now.plusSeconds(60)), own.leaseUntil(), "this owner's longer lease is kept");

    assertEquals(Optional.empty(), await(repository.takeLease(OWNER, "another-tenant", free.event().id(), now,
        until)), "scoped to the tenant");
    assertEquals(Optional.empty(), await(repository.takeLease(OWNER, tenant, UUID.randomUUID(), now, until)));
  }

  private JsonObject document(EventRecord record) {
    return await(store.client().findOne("log",
        new JsonObject().put("_id", DocumentValues.uuid(record.event().id())), null));
  }

  private Instant leaseUntil(EventRecord record) {
    JsonObject document = await(store.client().findOne("log",
        new JsonObject().put("_id", DocumentValues.uuid(record.event().id())), null));
    return DocumentValues.requiredInstant(document, "lease_until");
  }

  @Test
  void findByIdIsScopedToTheTenant() {
    String tenant = tenant();
    EventRecord record = event(tenant, BASE, List.of(UUID.randomUUID()));
    await(repository.insertAll(List.of(record), OWNER, BASE));
    assertTrue(await(repository.findById(tenant, record.event().id())).isPresent());
    assertTrue(await(repository.findById(tenant(), record.event().id())).isEmpty());
    assertTrue(await(repository.findById(tenant, UUID.randomUUID())).isEmpty());
  }

  @Test
  void deleteTenantRemovesOnlyThatTenantsEvents() {
    String gone = tenant();
    String kept = tenant();
    List<UUID> integrations = List.of(UUID.randomUUID());
    await(repository.insertAll(List.of(event(gone, BASE, integrations), event(gone, BASE, integrations),
        event(kept, BASE, integrations)), OWNER, BASE));
    await(repository.deleteTenant(gone));
    assertEquals(List.of(), await(repository.find(gone, 0, 10, Optional.empty())));
    assertEquals(1, await(repository.find(kept, 0, 10, Optional.empty())).size());
  }

  @Test
  void deleteExpiredRemovesEventsPastTheirRetention() {
    String tenant = tenant();
    Instant now = Instant.now();
    long ttl = MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS;
    EventRecord expired = event(tenant, now.minusSeconds(ttl + 10), List.of(UUID.randomUUID()));
    EventRecord fresh = event(tenant, now.minusSeconds(ttl - 60), List.of(UUID.randomUUID()));
    await(repository.insertAll(List.of(expired, fresh), OWNER, now));
    long deleted = await(repository.deleteExpired(now));
    // on a real server its TTL monitor (every 60 s) may have removed the expired event first
    assertTrue(deleted >= 1 || TestStores.realMongo(), "deleted " + deleted);
    assertEquals(List.of(fresh.event().id()), ids(await(repository.find(tenant, 0, 10, Optional.empty()))));
  }

  @Test
  void theTtlIndexExpiresEventsOnARealServer() {
    assumeTrue(TestStores.realMongo(), TestStores.NEEDS_REAL_MONGO);
    String tenant = tenant();
    EventRecord expired = event(tenant, Instant.now().minusSeconds(MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS + 5),
        List.of(UUID.randomUUID()));
    await(repository.insertAll(List.of(expired), OWNER, Instant.now()));
    Awaitility.await("the TTL monitor deletes the event within 75 s").atMost(Duration.ofSeconds(75))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> await(repository.findById(tenant, expired.event().id())).isEmpty());
  }

  @Test
  void theEventsListQueryUsesTheTenantTimeIndexOnARealServer() {
    assumeTrue(TestStores.realMongo(), TestStores.NEEDS_REAL_MONGO);
    String tenant = tenant();
    await(repository.insertAll(List.of(event(tenant, BASE, List.of(UUID.randomUUID()))), OWNER, BASE));

    JsonObject plain = explain(new JsonObject().put("tenant_id", tenant));
    assertEquals(Schema.TENANT_TIME_INDEX, ixscanIndex(plain), plain.encodePrettily());
    assertFalse(plain.encode().contains("\"SORT\""), "the index provides the order: " + plain.encodePrettily());

    JsonObject filtered = explain(new JsonObject().put("tenant_id", tenant)
        .put("status.integration_id", DocumentValues.uuid(UUID.randomUUID())));
    assertEquals(Schema.TENANT_INTEGRATION_TIME_INDEX, ixscanIndex(filtered), filtered.encodePrettily());
    assertFalse(filtered.encode().contains("\"SORT\""), filtered.encodePrettily());
  }

  static JsonObject explain(JsonObject filter) {
    JsonObject find = new JsonObject().put("find", "log").put("filter", filter)
        .put("sort", MongoEventRepository.NEWEST_FIRST).put("skip", 0).put("limit", 20);
    JsonObject explained = await(store.client().runCommand("explain",
        new JsonObject().put("explain", find).put("verbosity", "queryPlanner")));
    return explained.getJsonObject("queryPlanner").getJsonObject("winningPlan");
  }

  /** The index name of the IXSCAN stage in a winning plan, or null. */
  static String ixscanIndex(JsonObject stage) {
    if ("IXSCAN".equals(stage.getString("stage"))) {
      return stage.getString("indexName");
    }
    for (String child : List.of("inputStage", "queryPlan")) {
      JsonObject input = stage.getJsonObject(child);
      if (input != null) {
        String found = ixscanIndex(input);
        if (found != null) {
          return found;
        }
      }
    }
    JsonArray inputs = stage.getJsonArray("inputStages");
    if (inputs != null) {
      for (int i = 0; i < inputs.size(); i++) {
        String found = ixscanIndex(inputs.getJsonObject(i));
        if (found != null) {
          return found;
        }
      }
    }
    assertNotNull(stage);
    return null;
  }
}
