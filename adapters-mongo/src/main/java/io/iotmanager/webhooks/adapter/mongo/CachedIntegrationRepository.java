package io.iotmanager.webhooks.adapter.mongo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The embedded store's integrations, with each tenant's list kept in memory between changes. Intake
 * and the engine read a tenant's integrations for every event (intake to know where an event goes, the
 * engine right before each attempt); on the embedded store every change to them is made by this
 * process, through this object, since no other process can open its data directory. So a tenant's list
 * is read from the store once and kept until one of its integrations changes here: every write method
 * drops the tenant's list once the write has completed (whatever its outcome: a write that timed out
 * may still have landed), before the caller sees it complete. So once a change has been answered,
 * every read gets the changed list, as it would from the store.
 *
 * <p>A read that was in flight while a change completed does not keep what it read: every change
 * advances {@link #changes}, and a read keeps its result only if no change completed since it started
 * (checked and stored atomically for the tenant). A write, then, either comes before such a check and
 * the read keeps nothing, or after the store and then drops it.
 *
 * <p>Not for MongoDB, where other instances change integrations too: there each read goes to the store.
 */
final class CachedIntegrationRepository implements IntegrationRepository {
  /** Tenants whose lists are kept, at most (the least recently used go first). */
  static final int MAX_TENANTS = 10_000;

  private final IntegrationRepository store;
  private final Cache<String, List<MonitoredIntegration>> tenants =
      Caffeine.newBuilder().maximumSize(MAX_TENANTS).build();
  /** Changes completed so far: a read that saw a change complete while in flight keeps nothing. */
  private final AtomicLong changes = new AtomicLong();

  CachedIntegrationRepository(IntegrationRepository store) {
    this.store = store;
  }

  @Override
  public Future<List<MonitoredIntegration>> findByTenantWithHealth(String tenantId) {
    List<MonitoredIntegration> kept = tenants.getIfPresent(tenantId);
    if (kept != null) {
      return Future.succeededFuture(kept);
    }
    long seen = changes.get();
    return store.findByTenantWithHealth(tenantId).onSuccess(read ->
        tenants.asMap().compute(tenantId, (tenant, current) -> changes.get() == seen ? List.copyOf(read) : current));
  }

  @Override
  public Future<List<Integration>> findByTenant(String tenantId) {
    return findByTenantWithHealth(tenantId)
        .map(list -> list.stream().map(MonitoredIntegration::integration).toList());
  }

  @Override
  public Future<Optional<Integration>> findById(String tenantId, UUID id) {
    return store.findById(tenantId, id);
  }

  @Override
  public Future<Void> insert(Integration integration, int maxPerTenant) {
    return changed(store.insert(integration, maxPerTenant), Set.of(integration.tenantId()));
  }

  @Override
  public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
    return changed(store.updateCredentials(tenantId, id, credentials), Set.of(tenantId));
  }

  @Override
  public Future<Boolean> delete(String tenantId, UUID id) {
    return changed(store.delete(tenantId, id), Set.of(tenantId));
  }

  @Override
  public Future<Void> deleteTenant(String tenantId) {
    return changed(store.deleteTenant(tenantId), Set.of(tenantId));
  }

  @Override
  public Future<Void> recordHealth(List<HealthChange> healthChanges) {
    if (healthChanges.isEmpty()) {
      return Future.succeededFuture();
    }
    return changed(store.recordHealth(healthChanges),
        healthChanges.stream().map(HealthChange::tenantId).collect(Collectors.toSet()));
  }

  @Override
  public Future<Boolean> enable(String tenantId, UUID id) {
    return changed(store.enable(tenantId, id), Set.of(tenantId));
  }

  /**
   * Completes as {@code write} does (a change made to any tenant's integrations outside this object's
   * methods, as the sweep's removal of ended previous secrets), after every kept list is dropped.
   */
  <T> Future<T> changedAll(Future<T> write) {
    return write.andThen(ar -> {
      changes.incrementAndGet();
      tenants.invalidateAll();
    });
  }

  /** Completes as {@code write} does, after the tenants' kept lists are dropped. */
  private <T> Future<T> changed(Future<T> write, Set<String> tenantIds) {
    return write.andThen(ar -> {
      changes.incrementAndGet();
      tenants.invalidateAll(tenantIds);
    });
  }
}
