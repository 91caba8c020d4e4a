package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Integrations in memory; counts tenant reads so tests can see the engine's cache at work. */
final class InMemoryIntegrationRepository implements IntegrationRepository {
  private final Map<UUID, Integration> integrations = new LinkedHashMap<>();
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
