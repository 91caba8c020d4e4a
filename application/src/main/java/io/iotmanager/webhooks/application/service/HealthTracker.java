package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.AttemptOutcome;
import io.iotmanager.webhooks.domain.DisablePolicy;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine's view of each integration's health: seeded from every store read of the
 * integrations ({@link IntegrationLookup} passes them on), changed by each attempt's outcome, and
 * written back with the outcome writer's batches ({@link #takeChanges}: one update per integration per
 * batch, never one per attempt). It decides the transitions (failing, recovered, and disabled under the
 * {@link DisablePolicy}), logs each as one structured line and counts it in the metrics. Used on the
 * engine's one context only, so it needs no locks.
 */
public final class HealthTracker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthTracker.class);

  /** What a batch has changed so far in one integration's health. */
  private static final class Pending {
    int failures;
    Optional<Instant> lastSuccessAt = Optional.empty();
    Optional<Instant> lastFailureAt = Optional.empty();
    Optional<Instant> failingSince = Optional.empty();
    Optional<Instant> disabledAt = Optional.empty();
    Optional<String> disabledReason = Optional.empty();
  }

  private static final class Entry {
    final String tenant;
    IntegrationHealth health;
    Pending pending;
    /** The last success as the store has it (read, or written by this instance). */
    Optional<Instant> storedSuccessAt;

    Entry(String tenant, IntegrationHealth health) {
      this.tenant = tenant;
      this.health = health;
      this.storedSuccessAt = health.lastSuccessAt();
    }
  }

  /**
   * How stale the stored time of the last success may get while an integration keeps succeeding and
   * nothing else changes: within it, a success is not written (a busy healthy integration would
   * otherwise cost one write per outcome batch for a timestamp alone).
   */
  static final Duration SUCCESS_REFRESH = Duration.ofSeconds(30);

  private final boolean active;
  private final DisablePolicy policy;
  private final DeliveryMetrics metrics;
  private final Map<UUID, Entry> entries = new HashMap<>();
  /** The ids in {@link #entries}, by tenant. */
  private final Map<String, Set<UUID>> byTenant = new HashMap<>();
  /** Integrations with changes not taken yet, in the order they changed. */
  private final List<UUID> changed = new ArrayList<>();

  public HealthTracker(DisablePolicy policy, DeliveryMetrics metrics) {
    this(true, policy, metrics);
  }

  private HealthTracker(boolean active, DisablePolicy policy, DeliveryMetrics metrics) {
    this.active = active;
    this.policy = policy;
    this.metrics = metrics;
  }

  /** A tracker that keeps nothing and never disables (tools and tests of other parts). */
  public static HealthTracker none() {
    return new HealthTracker(false, DisablePolicy.NEVER, DeliveryMetrics.NONE);
  }

  /**
   * What a store read of a tenant's integrations (all of them) says: it replaces what is known of each,
   * unless this instance has changes of it not yet written (the read may predate them); and an
   * integration of the tenant the read no longer has was deleted: it is forgotten, and its gauges end,
   * once its changes are written.
   */
  void observe(String tenant, List<MonitoredIntegration> read) {
    if (!active) {
      return;
    }
    Set<UUID> known = byTenant.get(tenant);
    if (known != null) {
      for (Iterator<UUID> it = known.iterator(); it.hasNext(); ) {
        UUID id = it.next();
        if (!has(read, id) && entries.get(id).pending == null) {
          it.remove();
          entries.remove(id);
          metrics.integrationRemoved(tenant, id);
        }
      }
      if (known.isEmpty()) {
        byTenant.remove(tenant);
      }
    }
    for (MonitoredIntegration m : read) {
      UUID id = m.integration().id();
      Entry e = entries.get(id);
      if (e == null) {
        entries.put(id, new Entry(tenant, m.health()));
        byTenant.computeIfAbsent(tenant, t -> new HashSet<>()).add(id);
        metrics.integrationHealth(tenant, id, m.health());
      } else if (e.pending == null && !e.health.equals(m.health())) {
        e.health = m.health();
        e.storedSuccessAt = m.health().lastSuccessAt();
        metrics.integrationHealth(tenant, id, m.health());
      }
    }
  }

  private static boolean has(List<MonitoredIntegration> read, UUID id) {
    for (MonitoredIntegration m : read) {
      if (m.integration().id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** Disabled, as far as this instance knows: its attempts are skipped. */
  boolean disabled(UUID integrationId) {
    Entry e = entries.get(integrationId);
    return e != null && e.health.disabled();
  }

  /** The health as this instance knows it. */
  Optional<IntegrationHealth> health(UUID integrationId) {
    return Optional.ofNullable(entries.get(integrationId)).map(e -> e.health);
  }

  /**
   * An attempt to the integration ended at {@code at} with {@code outcome}; ignored when this view has
   * forgotten the integration (deleted while the attempt was in flight).
   */
  void attempted(String tenant, UUID integrationId, AttemptOutcome outcome, Instant at) {
    if (!active) {
      return;
    }
    Entry e = entries.get(integrationId);
    if (e == null) {
      return; // every attempt starts from a read that knew it: deleted since (see observe), gone with it
    }
    IntegrationHealth before = e.health;
    if (outcome.success() && e.pending == null && !before.failing() && !before.disabled()
        && e.storedSuccessAt.filter(stored -> stored.plus(SUCCESS_REFRESH).isAfter(at)).isPresent()) {
      e.health = before.afterSuccess(at); // only the time of the last success moved: written later
      metrics.integrationHealth(tenant, integrationId, e.health);
      return;
    }
    if (e.pending == null) {
      e.pending = new Pending();
      changed.add(integrationId);
    }
    Pending p = e.pending;
    IntegrationHealth after;
    if (outcome.success()) {
      after = before.afterSuccess(at);
      p.failures = 0;
      p.lastSuccessAt = after.lastSuccessAt();
      p.failingSince = Optional.empty();
      if (before.failing()) {
        transition("recovered", tenant, integrationId, after, "after " + before.consecutiveFailures()
            + " failed attempts");
      }
    } else {
      after = before.afterFailure(at);
      p.failures++;
      p.lastFailureAt = after.lastFailureAt();
      p.failingSince = Optional.of(p.failingSince.orElse(at));
      if (!before.failing()) {
        transition("failing", tenant, integrationId, after, outcome.failure().orElse("failed"));
      }
      Optional<String> reason = policy.reason(after, outcome, at);
      if (reason.isPresent()) {
        after = after.disable(at, reason.get());
        p.disabledAt = Optional.of(at);
        p.disabledReason = reason;
        transition("disabled", tenant, integrationId, after, reason.get());
      }
    }
    e.health = after;
    metrics.integrationHealth(tenant, integrationId, after);
  }

  /** The changes not taken yet, one per integration, for the next batch write; forgets them. */
  List<HealthChange> takeChanges() {
    if (changed.isEmpty()) {
      return List.of();
    }
    List<HealthChange> changes = new ArrayList<>(changed.size());
    for (UUID id : changed) {
      Entry e = entries.get(id);
      Pending p = e.pending;
      e.pending = null;
      if (p.lastSuccessAt.isPresent()) {
        e.storedSuccessAt = p.lastSuccessAt;
      }
      changes.add(new HealthChange(e.tenant, id, p.failures, p.lastSuccessAt, p.lastFailureAt, p.failingSince,
          p.disabledAt, p.disabledReason));
    }
    changed.clear();
    return changes;
  }

  /** Logs one transition as one structured line and counts it. */
  static void logTransition(DeliveryMetrics metrics, String transition, String tenant, UUID integrationId,
      IntegrationHealth health, String detail) {
    metrics.healthTransition(transition);
    LOG.info("integration_id={} tenant_id={} health_transition={} consecutive_failures={} failing_since={}"
            + " last_success_at={} detail=\"{}\"", integrationId, tenant, transition, health.consecutiveFailures(),
        health.failingSince().map(EventTime::format).orElse("-"),
        health.lastSuccessAt().map(EventTime::format).orElse("-"), detail.replace('"', '\''));
  }

  private void transition(String transition, String tenant, UUID integrationId, IntegrationHealth health,
      String detail) {
    logTransition(metrics, transition, tenant, integrationId, health, detail);
  }
}
