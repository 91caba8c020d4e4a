package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stored integrations, always scoped to a tenant. Every failed future carries
 * {@code ApplicationException.StoreUnavailable} when the store fails, unless a method says otherwise.
 */
public interface IntegrationRepository {
  /**
   * Stores a new integration unless the tenant already has {@code maxPerTenant}, also under parallel
   * inserts (on several instances); then fails with
   * {@code ApplicationException.Conflict("integration already exists")}.
   */
  Future<Void> insert(Integration integration, int maxPerTenant);

  Future<List<Integration>> findByTenant(String tenantId);

  Future<Optional<Integration>> findById(String tenantId, UUID id);

  /** Succeeds with false when the tenant has no such integration. */
  Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials);

  /** Succeeds with false when the tenant has no such integration. */
  Future<Boolean> delete(String tenantId, UUID id);

  Future<Void> deleteTenant(String tenantId);

  /**
   * The tenant's integrations with their health, in one read (the order of {@link #findByTenant}). A store
   * that keeps no health answers {@link IntegrationHealth#NONE} for each.
   */
  default Future<List<MonitoredIntegration>> findByTenantWithHealth(String tenantId) {
    return findByTenant(tenantId).map(list -> list.stream()
        .map(i -> new MonitoredIntegration(i, IntegrationHealth.NONE)).toList());
  }

  /**
   * Applies the health changes of a batch of attempts, in one write; changes of integrations that are gone
   * are ignored. A store that keeps no health ignores them.
   */
  default Future<Void> recordHealth(List<HealthChange> changes) {
    return Future.succeededFuture();
  }

  /**
   * Enables the integration: no longer disabled, its failures in a row counted afresh. Succeeds with
   * false when the tenant has no such integration.
   */
  default Future<Boolean> enable(String tenantId, UUID id) {
    return findById(tenantId, id).map(Optional::isPresent);
  }
}
