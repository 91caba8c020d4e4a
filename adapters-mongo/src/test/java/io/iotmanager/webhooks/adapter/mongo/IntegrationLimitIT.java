package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code max_integrations_per_tenant} under concurrency, on the store the run uses (embedded by
 * default; the real MongoDB with {@code IOT_MANAGER_MONGO_URL}, unless it is CI's Wine-hosted one, which
 * this much contention crashes): of 50 parallel creates exactly the limit
 * succeed and the rest get the conflict, through two stores (as two instances) sharing the database;
 * deletes free the slots.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntegrationLimitIT {
  @RegisterExtension
  static final TestStores.ServerPerClass SERVER = TestStores.ServerPerClass.withHeavyContention();
  static MongoStore one;
  static MongoStore two;

  @BeforeAll
  static void open(Vertx vertx) {
    String db = TestStores.randomDbName("limit");
    one = TestStores.open(vertx, TestStores.settings(SERVER.server(), db));
    two = TestStores.open(vertx, TestStores.settings(SERVER.server(), db));
  }

  @AfterAll
  static void close() {
    if (one != null) {
      TestStores.dropDatabase(one);
      await(one.close());
    }
    if (two != null) {
      await(two.close());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void ofFiftyParallelCreatesExactlyTheLimitSucceedAndDeletesFreeTheSlots(int limit) {
    String tenant = MongoIntegrationRepositoryIT.tenant();
    List<IntegrationRepository> stores = List.of(one.integrations(), two.integrations());

    List<Future<Void>> creates = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      creates.add(stores.get(i % 2).insert(webhook(tenant, i), limit));
    }
    await(Future.join(new ArrayList<>(creates)).otherwiseEmpty());

    long created = creates.stream().filter(Future::succeeded).count();
    assertEquals(limit, created, "exactly the limit succeeds");
    assertTrue(creates.stream().filter(Future::failed).allMatch(f -> f.cause() instanceof ApplicationException.Conflict),
        "the others are conflicts");
    List<Integration> stored = await(one.integrations().findByTenant(tenant));
    assertEquals(limit, stored.size());

    assertTrue(await(two.integrations().delete(tenant, stored.get(0).id())));
    List<Future<Void>> again = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      again.add(stores.get(i % 2).insert(webhook(tenant, 100 + i), limit));
    }
    await(Future.join(new ArrayList<>(again)).otherwiseEmpty());
    assertEquals(1, again.stream().filter(Future::succeeded).count(), "a delete frees exactly one slot");
    assertEquals(limit, await(one.integrations().findByTenant(tenant)).size());

    await(one.integrations().deleteTenant(tenant));
    await(one.integrations().insert(webhook(tenant, 200), limit));
    assertEquals(1, await(two.integrations().findByTenant(tenant)).size(), "deleting the tenant frees all slots");
  }

  private static Integration webhook(String tenant, int n) {
    return MongoIntegrationRepositoryIT.webhook(tenant, "https://example.com/hook/" + n, Optional.empty());
  }
}
