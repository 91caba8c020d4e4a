package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store counts its wire commands and the documents they write: a batch is one command. */
class StoreCommandCounterIT {
  static final TestStores.CountingMetrics METRICS = new TestStores.CountingMetrics();
  @RegisterExtension
  static final TestStores.StorePerClass STORE = new TestStores.StorePerClass("counter", METRICS);
  static MongoStore store;

  @BeforeAll
  static void open() {
    store = STORE.store();
  }

  static long count(String command) {
    return METRICS.commands(command);
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
    long written = METRICS.writes();

    await(store.events().insertAll(records, "me", now.plusSeconds(60)));
    assertEquals(inserts + 1, count("insert"));
    assertEquals(written + 100, METRICS.writes());

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
    assertEquals(written + 200, METRICS.writes());
  }
}
