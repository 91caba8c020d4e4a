package io.iotmanager.webhooks.adapter.http.metrics;

import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import io.vertx.ext.web.Router;
import java.util.function.IntSupplier;

/**
 * Delivery, intake and store metrics in a Prometheus registry, scraped at {@code GET /metrics}: attempts
 * by outcome, an attempt latency histogram, the engine's backlog, accepted intake events, store commands
 * by name and documents written.
 */
public final class PrometheusMetrics implements DeliveryMetrics, StoreMetrics, Endpoint {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Timer latency;
  private final Counter accepted;
  private final Counter rejected;
  private final Map<String, Counter> storeCommands = new ConcurrentHashMap<>();
  private final Counter documentWrites;
  private volatile IntSupplier backlog = () -> 0;
  private final Map<UUID, IntegrationHealth> health = new ConcurrentHashMap<>();
  /** Each integration's gauges, so that they can end with it. */
  private final Map<UUID, List<Meter>> gauges = new ConcurrentHashMap<>();
  private final Map<String, Counter> transitions = new ConcurrentHashMap<>();

  public PrometheusMetrics() {
    latency = Timer.builder("webhook_attempt_duration")
        .description("Time from sending a webhook request to its response or failure")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    accepted = Counter.builder("webhook_intake_events")
        .description("Events stored and acknowledged by intake")
        .register(registry);
    rejected = Counter.builder("webhook_intake_rejected_events")
        .description("Events of intake calls answered 503 because the store could not take them in time "
            + "(nothing of those calls was stored)")
        .register(registry);
    documentWrites = Counter.builder("webhook_store_document_writes")
        .description("Documents the store reported inserted, modified, upserted or deleted")
        .register(registry);
    Gauge.builder("webhook_pending_backlog", () -> backlog.getAsInt())
        .description("Events the delivery engine holds in memory: being attempted or waiting for a near retry")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  @Override
  public void attempted(String outcome, long durationMs) {
    attempts.computeIfAbsent(outcome, o -> Counter.builder("webhook_attempts")
        .description("Delivery attempts by outcome: delivered, retry, failed, manual")
        .tag("outcome", o)
        .register(registry)).increment();
    latency.record(Duration.ofMillis(durationMs));
  }

  @Override
  public void accepted(int events) {
    accepted.increment(events);
  }

  @Override
  public void rejected(int events) {
    rejected.increment(events);
  }

  @Override
  public void commandSent(String command) {
    storeCommands.computeIfAbsent(command, c -> Counter.builder("webhook_store_commands")
        .description("Commands sent to the store (round trips), by command name")
        .tag("command", c)
        .register(registry)).increment();
  }

  @Override
  public void documentsWritten(long documents) {
    documentWrites.increment(documents);
  }

  /**
   * Per integration (tags {@code integration_id}, {@code tenant_id}), as this instance last saw or changed
   * it: {@code webhook_integration_consecutive_failures}, {@code webhook_integration_disabled} (0 or 1),
   * and the unix times {@code webhook_integration_last_success_timestamp_seconds},
   * {@code …_last_failure_timestamp_seconds} and {@code …_failing_since_timestamp_seconds} (NaN when none).
   */
  @Override
  public void integrationHealth(String tenantId, UUID integrationId, IntegrationHealth h) {
    if (health.put(integrationId, h) != null) {
      return;
    }
    gauge("webhook_integration_consecutive_failures", "Failed attempts in a row to the integration",
        tenantId, integrationId, x -> x.consecutiveFailures());
    gauge("webhook_integration_disabled", "1 when the integration is disabled (its events are stored as skipped)",
        tenantId, integrationId, x -> x.disabled() ? 1 : 0);
    gauge("webhook_integration_last_success_timestamp_seconds", "When an attempt to the integration last succeeded",
        tenantId, integrationId, x -> seconds(x.lastSuccessAt()));
    gauge("webhook_integration_last_failure_timestamp_seconds", "When an attempt to the integration last failed",
        tenantId, integrationId, x -> seconds(x.lastFailureAt()));
    gauge("webhook_integration_failing_since_timestamp_seconds",
        "The first failure since the integration's last success (NaN while it succeeds)",
        tenantId, integrationId, x -> seconds(x.failingSince()));
  }

  private void gauge(String name, String description, String tenantId, UUID integrationId,
      java.util.function.ToDoubleFunction<IntegrationHealth> value) {
    Meter gauge = Gauge.builder(name,
            () -> value.applyAsDouble(health.getOrDefault(integrationId, IntegrationHealth.NONE)))
        .description(description)
        .tag("integration_id", integrationId.toString())
        .tag("tenant_id", tenantId)
        .register(registry);
    gauges.computeIfAbsent(integrationId, id -> new CopyOnWriteArrayList<>()).add(gauge);
  }

  /** The integration is gone: its gauges are no longer scraped. */
  @Override
  public void integrationRemoved(String tenantId, UUID integrationId) {
    health.remove(integrationId);
    List<Meter> ended = gauges.remove(integrationId);
    if (ended != null) {
      ended.forEach(registry::remove);
    }
  }

  private static double seconds(java.util.Optional<java.time.Instant> at) {
    return at.map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN);
  }

  @Override
  public void healthTransition(String transition) {
    transitions.computeIfAbsent(transition, t -> Counter.builder("webhook_integration_transitions")
        .description("Changes of an integration's health: failing, recovered, disabled, enabled")
        .tag("transition", t)
        .register(registry)).increment();
  }

  /** Where the {@code webhook_pending_backlog} gauge reads from, at each scrape. */
  public void observeBacklog(IntSupplier source) {
    this.backlog = source;
  }

  /** Serves the registry at {@code GET /metrics} (and under the internal API's base path). */
  @Override
  public void mount(Router router) {
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape()));
    router.get(ApiPaths.INTERNAL + "/metrics").handler(ctx ->
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape()));
  }

  String scrape() {
    return registry.scrape();
  }
}
