package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.service.IntakeAdmission;
import io.iotmanager.webhooks.application.service.RecordDeviceEventsService;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Intake under a stalled store, on the store the run uses (embedded by default; the real MongoDB with
 * {@code IOT_MANAGER_MONGO_URL}): the intake service with its admission control in front of the real event
 * repository, whose writes are held back (a store that takes a write and does not answer) until the test
 * lets them through. Calls beyond the write slots are answered {@code Overloaded} (503) within about the
 * queue timeout, and none of their events is ever stored; the call whose write had started is awaited
 * and acknowledged once the store answers, and its events are there.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntakeOverloadIT {
  @RegisterExtension
  static final TestStores.ServerPerClass SERVER = new TestStores.ServerPerClass();
  static MongoStore store;

  @BeforeAll
  static void open(Vertx vertx) {
    store = TestStores.open(vertx, TestStores.settings(SERVER.server(), TestStores.randomDbName("overload")));
  }

  @AfterAll
  static void close() {
    if (store != null) {
      TestStores.dropDatabase(store);
      await(store.close());
    }
  }

  @Test
  void aStalledStoreGets503sWithinTheQueueTimeoutAndNothingOfARefusedCallIsStored(Vertx vertx) {
    String tenant = MongoIntegrationRepositoryIT.tenant();
    await(store.integrations().insert(MongoIntegrationRepositoryIT.webhook(tenant, "https://example.com/hook",
        Optional.empty()), 1));
    StalledEvents stalled = new StalledEvents(store.events());
    Duration queueTimeout = Duration.ofMillis(500);
    IntakeAdmission admission = new IntakeAdmission(new IntakeAdmission.Settings(2000, queueTimeout, 1),
        (delay, task) -> vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run()), System::nanoTime);
    RecordDeviceEventsService intake = new RecordDeviceEventsService(store.integrations(), stalled,
        records -> { }, Clock.systemUTC(), UUID::randomUUID, "instance-1", Duration.ofSeconds(30), admission);

    // the first call takes the only write slot; the store does not answer it
    Future<Integer> first = intake.recordDeviceEvents(bulk(tenant, "first", 100));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stalled.started.size() == 1);

    // the next calls wait for the slot, then are refused: quickly, and before anything is written
    List<Future<Integer>> refused = new ArrayList<>();
    List<Long> answeredAfterMs = new ArrayList<>();
    long sentAt = System.nanoTime();
    for (int call = 0; call < 5; call++) {
      Future<Integer> f = intake.recordDeviceEvents(bulk(tenant, "refused" + call + "-", 100));
      f.onComplete(ar -> {
        synchronized (answeredAfterMs) {
          answeredAfterMs.add((System.nanoTime() - sentAt) / 1_000_000);
        }
      });
      refused.add(f);
    }
    for (Future<Integer> f : refused) {
      Throwable failure = TestStores.failure(f);
      ApplicationException.Overloaded overloaded = assertInstanceOf(ApplicationException.Overloaded.class, failure);
      assertTrue(overloaded.retryAfter().toSeconds() >= 1, "Retry-After of at least a second");
    }
    synchronized (answeredAfterMs) {
      assertEquals(5, answeredAfterMs.size());
      long slowest = answeredAfterMs.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertTrue(slowest < 2_000, "every refused call answered within 2 s; slowest " + slowest + " ms");
    }
    assertFalse(first.isComplete(), "the started write is awaited, not answered 503");
    assertEquals(1, stalled.started.size(), "no refused call reached the store");

    // the store answers: the first call is acknowledged, and it is all that is stored
    stalled.release();
    assertEquals(100, await(first));
    List<EventRecord> stored = await(store.events().find(tenant, 0, 1_000, Optional.empty()));
    Set<String> devices = stored.stream().map(r -> r.event().deviceId()).collect(Collectors.toSet());
    assertEquals(100, devices.size());
    assertTrue(devices.stream().allMatch(d -> d.startsWith("first")), "only the acknowledged call's events");

    // with the store answering again, intake accepts again
    assertEquals(100, await(intake.recordDeviceEvents(bulk(tenant, "after", 100))));
    assertEquals(200, await(store.events().find(tenant, 0, 1_000, Optional.empty())).size());
  }

  private static RecordDeviceEventsCommand bulk(String tenant, String prefix, int n) {
    List<DeviceEventData> devices = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      devices.add(new DeviceEventData(prefix + i, new JsonText("{\"id\":\"" + prefix + i + "\",\"status\":\"accepted\"}")));
    }
    return new RecordDeviceEventsCommand(tenant, EventType.DEVICE_STATUS_CHANGED, devices);
  }

  /**
   * The real repository, but an insert is held (started, unanswered) until {@link #release}: a store that
   * has taken a write and does not answer. Later inserts go straight through.
   */
  private static final class StalledEvents implements EventRepository {
    private final EventRepository delegate;
    final List<Integer> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Promise<Void> gate = Promise.promise();

    StalledEvents(EventRepository delegate) {
      this.delegate = delegate;
    }

    void release() {
      gate.tryComplete();
    }

    @Override
    public Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil) {
      started.add(events.size());
      return gate.future().compose(v -> delegate.insertAll(events, leaseOwner, leaseUntil));
    }

    @Override
    public Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId) {
      return delegate.find(tenantId, skip, limit, integrationId);
    }

    @Override
    public Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
      return delegate.findById(tenantId, id);
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return delegate.deleteTenant(tenantId);
    }

    @Override
    public Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
      return delegate.claimDue(owner, now, leaseUntil, limit);
    }

    @Override
    public Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes) {
      return delegate.recordOutcomes(outcomes);
    }

    @Override
    public Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
      return delegate.extendLeases(owner, eventIds, leaseUntil);
    }

    @Override
    public Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
      return delegate.releaseLeases(owner, eventIds, leaseUntil);
    }

    @Override
    public Future<Optional<LeaseTake>> takeLease(String owner, String tenantId, UUID eventId, Instant now,
        Instant leaseUntil) {
      return delegate.takeLease(owner, tenantId, eventId, now, leaseUntil);
    }

    @Override
    public Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
      return delegate.findAttempts(tenantId, eventId);
    }
  }
}
