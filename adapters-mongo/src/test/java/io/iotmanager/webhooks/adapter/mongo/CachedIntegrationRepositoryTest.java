package io.iotmanager.webhooks.adapter.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded store's kept integration lists, against a store whose reads and writes complete when the
 * test says: a tenant's list is read once until it changes; every kind of change is seen by the next
 * read once it completed; and a read that was in flight while a change completed does not keep what it
 * read.
 */
@Timeout(10)
class CachedIntegrationRepositoryTest {
  private static final String TENANT = "tenant-a";
  private final ControlledStore store = new ControlledStore();
  private final CachedIntegrationRepository cached = new CachedIntegrationRepository(store);

  @Test
  void aTenantsListIsReadOnceUntilItChanges() {
    Integration one = webhook("https://one.example.com/");
    Future<List<Integration>> first = cached.findByTenant(TENANT);
    store.completeRead(List.of(one));
    assertEquals(List.of(one), first.result());
    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(one), cached.findByTenant(TENANT).result(), "kept");
      assertEquals(one, cached.findByTenantWithHealth(TENANT).result().get(0).integration());
    }
    assertEquals(1, store.reads, "one store read for six lists");
    // another tenant has a list of its own
    cached.findByTenant("tenant-b");
    assertEquals(2, store.reads);
  }

  @Test
  void everyChangeIsSeenByTheNextReadOnceItCompleted() {
    List<Function<CachedIntegrationRepository, Future<?>>> changes = List.of(
        r -> r.insert(webhook("https://new.example.com/"), 10),
        r -> r.updateCredentials(TENANT, UUID.randomUUID(), credentials("https://moved.example.com/")),
        r -> r.delete(TENANT, UUID.randomUUID()),
        r -> r.deleteTenant(TENANT),
        r -> r.enable(TENANT, UUID.randomUUID()),
        r -> r.recordHealth(List.of(new HealthChange(TENANT, UUID.randomUUID(), 1, Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))),
        r -> r.changedAll(store.write()));
    for (Function<CachedIntegrationRepository, Future<?>> change : changes) {
      cached.changedAll(store.write()); // nothing kept from the round before
      store.completeWrites();
      Integration before = webhook("https://before.example.com/");
      Integration after = webhook("https://after.example.com/");
      cached.findByTenant(TENANT);
      store.completeRead(List.of(before));
      assertEquals(List.of(before), cached.findByTenant(TENANT).result(), "kept before the change");
      Future<?> write = change.apply(cached);
      assertEquals(List.of(before), cached.findByTenant(TENANT).result(), "a change under way is not seen yet");
      store.completeWrites();
      assertTrue(write.succeeded());
      int reads = store.reads;
      Future<List<Integration>> next = cached.findByTenant(TENANT);
      assertEquals(reads + 1, store.reads, "the next read goes to the store");
      store.completeRead(List.of(after));
      assertEquals(List.of(after), next.result());
    }
  }

  @Test
  void aFailedChangeDropsTheListToo() {
    cached.findByTenant(TENANT);
    store.completeRead(List.of(webhook("https://before.example.com/")));
    Future<Boolean> write = cached.updateCredentials(TENANT, UUID.randomUUID(), credentials("https://x.example/"));
    store.failWrites();
    assertTrue(write.failed(), "the caller sees the failure");
    int reads = store.reads;
    cached.findByTenant(TENANT);
    assertEquals(reads + 1, store.reads, "a write that failed may have landed: read again");
  }

  @Test
  void aReadInFlightWhileAChangeCompletesKeepsNothing() {
    Integration stale = webhook("https://stale.example.com/");
    Integration fresh = webhook("https://fresh.example.com/");
    Future<List<Integration>> inFlight = cached.findByTenant(TENANT);
    Future<Boolean> write = cached.updateCredentials(TENANT, stale.id(), credentials("https://fresh.example.com/"));
    store.completeWrites();
    assertTrue(write.succeeded());
    store.completeRead(List.of(stale)); // read before the change landed, answered after it completed
    assertEquals(List.of(stale), inFlight.result(), "its caller gets what it read");
    Future<List<Integration>> next = cached.findByTenant(TENANT);
    store.completeRead(List.of(fresh));
    assertEquals(List.of(fresh), next.result(), "but it was not kept");
  }

  @Test
  void aFailedReadIsNotKept() {
    Future<List<Integration>> failed = cached.findByTenant(TENANT);
    store.failRead();
    assertTrue(failed.failed());
    cached.findByTenant(TENANT);
    assertEquals(2, store.reads);
  }

  private static Integration webhook(String url) {
    return new Integration(UUID.randomUUID(), TENANT, Provider.WEBHOOK, credentials(url), "");
  }

  private static Credentials credentials(String url) {
    return Credentials.http(new HttpCredentials(URI.create(url), Optional.of(WebhookSecret.fromHex("deadbeef"))));
  }

  /** A store whose reads and writes wait for the test. */
  private static final class ControlledStore implements IntegrationRepository {
    private final Deque<Promise<List<MonitoredIntegration>>> reading = new ArrayDeque<>();
    private final List<Promise<Object>> writing = new ArrayList<>();
    int reads;

    @Override
    public Future<List<MonitoredIntegration>> findByTenantWithHealth(String tenantId) {
      reads++;
      Promise<List<MonitoredIntegration>> read = Promise.promise();
      reading.add(read);
      return read.future();
    }

    void completeRead(List<Integration> integrations) {
      reading.removeFirst().complete(integrations.stream()
          .map(i -> new MonitoredIntegration(i, IntegrationHealth.NONE)).toList());
    }

    void failRead() {
      reading.removeFirst().fail("store down");
    }

    @SuppressWarnings("unchecked")
    <T> Future<T> write() {
      Promise<Object> write = Promise.promise();
      writing.add(write);
      return (Future<T>) write.future();
    }

    void completeWrites() {
      writing.forEach(w -> w.complete(Boolean.TRUE));
      writing.clear();
    }

    void failWrites() {
      writing.forEach(w -> w.fail("timed out"));
      writing.clear();
    }

    @Override
    public Future<List<Integration>> findByTenant(String tenantId) {
      throw new AssertionError("lists are read with their health");
    }

    @Override
    public Future<Optional<Integration>> findById(String tenantId, UUID id) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Void> insert(Integration integration, int maxPerTenant) {
      return write();
    }

    @Override
    public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
      return write();
    }

    @Override
    public Future<Boolean> delete(String tenantId, UUID id) {
      return write();
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return write();
    }

    @Override
    public Future<Void> recordHealth(List<HealthChange> changes) {
      return write();
    }

    @Override
    public Future<Boolean> enable(String tenantId, UUID id) {
      return write();
    }
  }
}
