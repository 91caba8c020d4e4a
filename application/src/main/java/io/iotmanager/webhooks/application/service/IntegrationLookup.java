package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's integrations as they are when an attempt starts. The engine asks right before each
 * attempt (after it waited for its permit) and gets the integrations from a store read that ended in
 * the same turn of the engine's context, or from the next read: so once a credentials change or a
 * deletion has been answered, no attempt that starts afterwards, on any instance, uses what was there
 * before. One read per tenant serves every attempt that starts in that turn, and while a read is in
 * flight the attempts that become ready meanwhile wait for it and share it: the cost is one store
 * command per tenant per batch of attempts, not per attempt. Used on the engine's one context only.
 */
public final class IntegrationLookup {
  private final IntegrationRepository repository;
  private final Scheduler scheduler;
  /** Reads that ended in the current turn; cleared at the end of the turn. */
  private final Map<String, Map<UUID, Integration>> fresh = new HashMap<>();
  /** Reads in flight, by tenant. */
  private final Map<String, Future<Map<UUID, Integration>>> reading = new HashMap<>();
  /** Callers that asked while their tenant's read was in flight and wait for the next read. */
  private final Map<String, List<Promise<Map<UUID, Integration>>>> next = new HashMap<>();
  private boolean expiryScheduled;
  private long reads;
  private final HealthTracker health;

  public IntegrationLookup(IntegrationRepository repository, Scheduler scheduler) {
    this(repository, scheduler, HealthTracker.none());
  }

  /** A lookup that passes each read's health on to {@code health}. */
  public IntegrationLookup(IntegrationRepository repository, Scheduler scheduler, HealthTracker health) {
    this.repository = repository;
    this.scheduler = scheduler;
    this.health = health;
  }

  /** The engine's view of the integrations' health, seeded by this lookup's reads. */
  HealthTracker health() {
    return health;
  }

  /** The tenant's integrations by id, read from the store in this turn. */
  public Future<Map<UUID, Integration>> current(String tenant) {
    Map<UUID, Integration> known = fresh.get(tenant);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    if (reading.containsKey(tenant)) {
      // That read may have started before the change a caller relies on: wait for the next one.
      Promise<Map<UUID, Integration>> later = Promise.promise();
      next.computeIfAbsent(tenant, t -> new ArrayList<>()).add(later);
      return later.future();
    }
    return read(tenant);
  }

  /**
   * Forgets the reads that ended in this turn: call it when new work arrives from outside the engine,
   * which may follow a change the store has answered since.
   */
  public void forgetReads() {
    fresh.clear();
  }

  /** Store reads made so far (for tests and measurement). */
  public long reads() {
    return reads;
  }

  private Future<Map<UUID, Integration>> read(String tenant) {
    reads++;
    Future<Map<UUID, Integration>> read = repository.findByTenantWithHealth(tenant).map(list -> {
      health.observe(tenant, list);
      Map<UUID, Integration> byId = new LinkedHashMap<>();
      list.forEach(m -> byId.putIfAbsent(m.integration().id(), m.integration()));
      return byId;
    });
    reading.put(tenant, read);
    read.onComplete(ar -> {
      reading.remove(tenant);
      if (ar.succeeded()) {
        fresh.put(tenant, ar.result());
        if (!expiryScheduled) {
          expiryScheduled = true;
          scheduler.schedule(Duration.ZERO, () -> {
            expiryScheduled = false;
            fresh.clear();
          });
        }
      }
      List<Promise<Map<UUID, Integration>>> waiting = next.remove(tenant);
      if (waiting != null) {
        read(tenant).onComplete(r -> waiting.forEach(p -> p.handle(r)));
      }
    });
    return read;
  }
}
