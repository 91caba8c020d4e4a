package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Integrations in memory; counts tenant reads so tests can see the engine's cache at work. */
final class InMemoryIntegrationRepository implements IntegrationRepository {
  private final Map<UUID, Integration> integrations = new LinkedHashMap<>();
  private final Map<UUID, IntegrationHealth> health = new java.util.HashMap<>();
  private final List<List<HealthChange>> healthWrites = new java.util.ArrayList<>();

  synchronized IntegrationHealth health(UUID id) {
    return health.getOrDefault(id, IntegrationHealth.NONE);
  }

  synchronized void putHealth(UUID id, IntegrationHealth h) {
    health.put(id, h);
  }

  /** Every {@code recordHealth} call, with its changes. */
  synchronized List<List<HealthChange>> healthWrites() {
    return new java.util.ArrayList<>(healthWrites);
  }

  @Override
  public synchronized Future<List<MonitoredIntegration>> findByTenantWithHealth(String tenantId) {
    return findByTenant(tenantId).map(list -> list.stream()
        .map(i -> new MonitoredIntegration(i, health(i.id()))).toList());
  }

  /** Applies the changes as the Mongo adapter does. */
  @Override
  public synchronized Future<Void> recordHealth(List<HealthChange> changes) {
    healthWrites.add(List.copyOf(changes));
    for (HealthChange c : changes) {
      if (!integrations.containsKey(c.integrationId())) {
        continue;
      }
      IntegrationHealth h = health(c.integrationId());
      int failures = c.lastSuccessAt().isPresent() ? c.failures() : h.consecutiveFailures() + c.failures();
      Optional<java.time.Instant> failingSince = c.lastSuccessAt().isPresent() ? c.failingSince()
          : h.failingSince().or(c::failingSince);
      health.put(c.integrationId(), new IntegrationHealth(failures, max(h.lastSuccessAt(), c.lastSuccessAt()),
          max(h.lastFailureAt(), c.lastFailureAt()), failingSince, c.disabledAt().or(h::disabledAt),
          c.disabledAt().isPresent() ? c.disabledReason() : h.disabledReason()));
    }
    return Future.succeededFuture();
  }

  private static Optional<java.time.Instant> max(Optional<java.time.Instant> a, Optional<java.time.Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.filter(x -> x.isAfter(a.get())).or(() -> a);
  }

  @Override
  public synchronized Future<Boolean> enable(String tenantId, UUID id) {
    Integration found = integrations.get(id);
    if (found == null || !found.tenantId().equals(tenantId)) {
      return Future.succeededFuture(false);
    }
    health.put(id, health(id).enable());
    return Future.succeededFuture(true);
  }
  private int tenantReads;

  synchronized void put(Integration integration) {
    integrations.put(integration.id(), integration);
  }

  synchronized void remove(UUID id) {
    integrations.remove(id);
  }

  synchronized int tenantReads() {
    return tenantReads;
  }

  private RuntimeException readFailure;

  /** From now on reads by tenant fail with {@code failure}. */
  synchronized void failReads(RuntimeException failure) {
    readFailure = failure;
  }

  @Override
  public synchronized Future<Void> insert(Integration integration, int maxPerTenant) {
    integrations.put(integration.id(), integration);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Integration>> findByTenant(String tenantId) {
    tenantReads++;
    if (readFailure != null) {
      return Future.failedFuture(readFailure);
    }
    return Future.succeededFuture(integrations.values().stream().filter(i -> i.tenantId().equals(tenantId)).toList());
  }

  @Override
  public synchronized Future<Optional<Integration>> findById(String tenantId, UUID id) {
    return Future.succeededFuture(Optional.ofNullable(integrations.get(id)).filter(i -> i.tenantId().equals(tenantId)));
  }

  @Override
  public synchronized Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
    Integration found = integrations.get(id);
    if (found == null || !found.tenantId().equals(tenantId)) {
      return Future.succeededFuture(false);
    }
    integrations.put(id, found.withCredentials(credentials));
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> delete(String tenantId, UUID id) {
    return Future.succeededFuture(integrations.remove(id) != null);
  }

  @Override
  public synchronized Future<Void> deleteTenant(String tenantId) {
    integrations.values().removeIf(i -> i.tenantId().equals(tenantId));
    return Future.succeededFuture();
  }
}
