package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's integrations as the delivery engine sees them: read at most once per {@code ttl} per
 * tenant, so a batch of events costs one read; a credentials change or a deletion shows within the ttl.
 */
final class TenantIntegrations {
  private record Entry(Instant readAt, Future<List<Integration>> integrations) {}

  private final IntegrationRepository repository;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  TenantIntegrations(IntegrationRepository repository, Clock clock, Duration ttl) {
    this.repository = repository;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The tenant's integrations; {@code fresh} bypasses the cache (manual redelivery). */
  Future<List<Integration>> of(String tenant, boolean fresh) {
    Instant now = clock.instant();
    Entry entry = cache.get(tenant);
    if (!fresh && entry != null && entry.readAt().plus(ttl).isAfter(now)
        && (!entry.integrations().isComplete() || entry.integrations().succeeded())) {
      return entry.integrations();
    }
    if (cache.size() > 10_000) {
      cache.clear();
    }
    Future<List<Integration>> read = repository.findByTenant(tenant);
    cache.put(tenant, new Entry(now, read));
    return read;
  }
}
