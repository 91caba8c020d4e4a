package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store counts its wire commands and the documents they write: a batch is one command. */
@ExtendWith(VertxExtension.class)
class StoreCommandCounterIT {
  @TempDir
  static Path tempDir;
  static TestStores.TestServer server;
  static MongoStore store;
  static final Map<String, AtomicLong> commands = new ConcurrentHashMap<>();
  static final AtomicLong writes = new AtomicLong();

  @BeforeAll
  static void open(Vertx vertx) {
    server = TestStores.startServer(tempDir);
    store = await(MongoStore.open(vertx, TestStores.settings(server, TestStores.randomDbName("counter")),
        new StoreMetrics() {
          @Override
          public void commandSent(String command) {
            commands.computeIfAbsent(command, c -> new AtomicLong()).incrementAndGet();
          }

          @Override
          public void documentsWritten(long documents) {
            writes.addAndGet(documents);
          }
        }));
  }

  @AfterAll
  static void close() {
    if (store != null) {
      TestStores.dropDatabase(store);
      await(store.close());
    }
    if (server != null) {
      server.close();
    }
  }

  static long count(String command) {
    AtomicLong n = commands.get(command);
    return n == null ? 0 : n.get();
  }

  @Test
  void aBatchOfInsertsAndABatchOfOutcomesAreOneCommandEachAndOneWritePerDocument() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    UUID integration = UUID.randomUUID();
    List<EventRecord> records = new ArrayList<>();
    String tenant = MongoEventRepositoryIT.tenant();
    for (int i = 0; i < 100; i++) {
      records.add(MongoEventRepositoryIT.event(tenant, now, List.of(integration)));
    }
    long inserts = count("insert");
    long updates = count("update");
    long written = writes.get();

    await(store.events().insertAll(records, "me", now.plusSeconds(60)));
    assertEquals(inserts + 1, count("insert"));
    assertEquals(written + 100, writes.get());

    List<DeliveryOutcome> outcomes = new ArrayList<>();
    for (EventRecord r : records) {
      DeliveryStatus delivered = new DeliveryStatus(integration, DeliveryState.DELIVERED, 1, Optional.of(200),
          Optional.empty(), Optional.empty());
      Attempt attempt = new Attempt(integration, 1, now, Optional.of(200), Optional.empty(), 3, AttemptTrigger.AUTO);
      outcomes.add(new DeliveryOutcome(r.event().id(), Map.of(0, delivered), List.of(attempt), Optional.empty(),
          Optional.of("me"), Optional.empty()));
    }
    await(store.events().recordOutcomes(outcomes));
    assertEquals(updates + 1, count("update"));
    assertEquals(written + 200, writes.get());
  }
}
