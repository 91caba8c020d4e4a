package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A rehearsal of delivery, run before the service reports ready so that its first events are as fast
 * as later ones: synthetic events of a tenant of its own go through a delivery engine built like the
 * real one (same classes, the real sender), whose store is replaced by the stand-ins here: one webhook
 * integration (signed, to a throwaway receiver the caller provides) and an event store that keeps
 * nothing. Nothing is written to the real store. Build the engine with {@link #integrations()} and
 * {@link #events()}, then {@link #run} it on one Vert.x context, as the real engine runs.
 */
public final class DeliveryRehearsal {
  private static final String TENANT = "warm-up";
  private final Integration integration;
  private final IntegrationRepository integrations;
  private final EventRepository events = new KeepsNothing();

  /** A rehearsal whose webhooks go to {@code receiver}. */
  public DeliveryRehearsal(URI receiver) {
    UUID id = UUID.randomUUID();
    this.integration = new Integration(id, TENANT, Provider.WEBHOOK, Credentials.http(new HttpCredentials(receiver,
        Optional.of(WebhookSecret.ofBytes(id.toString().getBytes(StandardCharsets.UTF_8))))), "warm-up");
    this.integrations = new OneWebhook(integration);
  }

  /** The rehearsal tenant's one webhook integration; nothing else exists and nothing can be changed. */
  public IntegrationRepository integrations() {
    return integrations;
  }

  /** An event store that keeps nothing: writes succeed, reads find nothing. */
  public EventRepository events() {
    return events;
  }

  /**
   * Hands up to {@code count} synthetic events, one per call as single provisions come, to {@code engine},
   * {@code parallel} at a time, until {@code budget} is spent (at least one each); completes with the
   * number handed over once their rounds ended. Call it on the engine's context.
   */
  public Future<Integer> run(DeliveryEngine engine, int count, int parallel, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    int[] sent = {0};
    int[] running = {Math.max(1, Math.min(parallel, count))};
    Promise<Integer> done = Promise.promise();
    for (int i = 0, n = running[0]; i < n; i++) {
      loop(engine, count, deadline, sent, running, done);
    }
    return done.future();
  }

  private void loop(DeliveryEngine engine, int count, long deadline, int[] sent, int[] running, Promise<Integer> done) {
    if (sent[0] >= count || (sent[0] > 0 && System.nanoTime() > deadline)) {
      if (--running[0] == 0) {
        done.tryComplete(sent[0]);
      }
      return;
    }
    int n = sent[0]++;
    Instant now = Instant.now();
    String device = "warm-up-" + n;
    Event event = Event.create(UUID.randomUUID(), TENANT, n % 2 == 0 ? EventType.DEVICE_PROVISIONED
        : EventType.DEVICE_STATUS_CHANGED, device, new JsonText("{\"id\":\"" + device + "\",\"status\":\"pending\"}"),
        now);
    EventRecord record = new EventRecord(event, List.of(DeliveryStatus.pending(integration.id(), now)));
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(record)))
        .onComplete(ar -> loop(engine, count, deadline, sent, running, done));
  }

  /** The rehearsal tenant's one integration, read-only. */
  private static final class OneWebhook implements IntegrationRepository {
    private final Integration integration;

    OneWebhook(Integration integration) {
      this.integration = integration;
    }

    @Override
    public Future<Void> insert(Integration integration, int maxPerTenant) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Integration>> findByTenant(String tenantId) {
      return Future.succeededFuture(TENANT.equals(tenantId) ? List.of(integration) : List.of());
    }

    @Override
    public Future<Optional<Integration>> findById(String tenantId, UUID id) {
      return Future.succeededFuture(TENANT.equals(tenantId) && integration.id().equals(id) ? Optional.of(integration)
          : Optional.empty());
    }

    @Override
    public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Boolean> delete(String tenantId, UUID id) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return Future.succeededFuture();
    }
  }

  /** Keeps nothing: every write succeeds at once, every read finds nothing. */
  private static final class KeepsNothing implements EventRepository {
    @Override
    public Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Void> deleteTenant(String tenantId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
      return Future.succeededFuture(Optional.empty());
    }
  }
}
