package io.iotmanager.webhooks.adapter.http.testing;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.CheckHealthUseCase;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteTenantCommand;
import io.iotmanager.webhooks.application.port.in.DeleteTenantUseCase;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.GetIntegrationHealthUseCase;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.EventsQuery;
import io.iotmanager.webhooks.application.port.in.GetEventUseCase;
import io.iotmanager.webhooks.application.port.in.GetIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.IntegrationQuery;
import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.in.ListAttemptsUseCase;
import io.iotmanager.webhooks.application.port.in.ListEventsUseCase;
import io.iotmanager.webhooks.application.port.in.ListIntegrationsUseCase;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsUseCase;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventUseCase;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsUseCase;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every inbound use case of the HTTP API, in memory, for route tests: integrations are kept per tenant
 * (one per tenant unless {@link #maxPerTenant} says more, as the real service), events and attempts are
 * what the test {@linkplain #addEvent adds}, and every command or query received is recorded in
 * {@link #calls}, so a test can assert what the route handed to the application. {@link #failNext}
 * makes the next call fail with a given exception (e.g. StoreUnavailable).
 */
public final class FakeUseCases implements CreateIntegrationUseCase, ListIntegrationsUseCase, GetIntegrationUseCase,
    DeleteIntegrationUseCase, SetIntegrationCredentialsUseCase, ListEventsUseCase, GetEventUseCase,
    ListAttemptsUseCase, RedeliverEventUseCase, RecordDeviceEventsUseCase, DeleteTenantUseCase, CheckHealthUseCase,
    GetIntegrationHealthUseCase, EnableIntegrationUseCase, RecoverIntegrationUseCase {
  public static final String INTEGRATION_NOT_FOUND = "integration not found";
  public static final String EVENT_NOT_FOUND = "event not found";

  /** Every command or query received, in order. */
  public final List<Object> calls = new CopyOnWriteArrayList<>();
  private final Map<UUID, Integration> integrations = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
  private final List<EventRecord> events = new CopyOnWriteArrayList<>();
  private final Map<UUID, List<Attempt>> attempts = new ConcurrentHashMap<>();
  private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
  public volatile int maxPerTenant = 1;
  private final Map<UUID, IntegrationHealth> health = new ConcurrentHashMap<>();
  /** What enabling and recovery answer as queued. */
  public volatile int queued = 0;

  /** The health the integration routes then show for this integration. */
  public FakeUseCases setHealth(UUID integrationId, IntegrationHealth h) {
    health.put(integrationId, h);
    return this;
  }

  /** The next call fails with {@code failure}; later ones succeed again. */
  public FakeUseCases failNext(RuntimeException failure) {
    nextFailure.set(failure);
    return this;
  }

  /** Adds an event record (and its attempts) that the events routes then find, newest first. */
  public FakeUseCases addEvent(EventRecord record, List<Attempt> recordAttempts) {
    events.add(0, record);
    attempts.put(record.event().id(), List.copyOf(recordAttempts));
    return this;
  }

  /** The last recorded call of this type. */
  public <T> T last(Class<T> type) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (type.isInstance(calls.get(i))) {
        return type.cast(calls.get(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " among " + calls);
  }

  public <T> List<T> all(Class<T> type) {
    return calls.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T> Future<T> answer(Object call, java.util.function.Supplier<Future<T>> body) {
    calls.add(call);
    RuntimeException failure = nextFailure.getAndSet(null);
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    try {
      return body.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Optional<Integration> find(String tenant, UUID id) {
    return Optional.ofNullable(integrations.get(id)).filter(i -> i.tenantId().equals(tenant));
  }

  @Override
  public Future<Integration> createIntegration(CreateIntegrationCommand c) {
    return answer(c, () -> {
      long have = integrations.values().stream().filter(i -> i.tenantId().equals(c.tenantId())).count();
      if (have >= maxPerTenant) {
        return Future.failedFuture(new ApplicationException.Conflict("integration already exists"));
      }
      Integration created = new Integration(UUID.randomUUID(), c.tenantId(), c.provider(), c.credentials(),
          c.description(), c.scopes());
      integrations.put(created.id(), created);
      return Future.succeededFuture(created);
    });
  }

  @Override
  public Future<List<Integration>> listIntegrations(IntegrationsQuery q) {
    return answer(q, () -> {
      synchronized (integrations) {
        return Future.succeededFuture(integrations.values().stream()
            .filter(i -> i.tenantId().equals(q.tenantId())).toList());
      }
    });
  }

  @Override
  public Future<Integration> getIntegration(IntegrationQuery q) {
    return answer(q, () -> find(q.tenantId(), q.integrationId()).map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(INTEGRATION_NOT_FOUND))));
  }

  @Override
  public Future<Void> deleteIntegration(DeleteIntegrationCommand c) {
    return answer(c, () -> find(c.tenantId(), c.integrationId()).<Future<Void>>map(i -> {
      integrations.remove(i.id());
      return Future.succeededFuture();
    }).orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(INTEGRATION_NOT_FOUND))));
  }

  @Override
  public Future<Void> setIntegrationCredentials(SetIntegrationCredentialsCommand c) {
    return answer(c, () -> find(c.tenantId(), c.integrationId()).<Future<Void>>map(i -> {
      Integration.checkPairing(i.provider(), c.credentials());
      integrations.put(i.id(), i.withCredentials(c.credentials()));
      return Future.succeededFuture();
    }).orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(INTEGRATION_NOT_FOUND))));
  }

  private Optional<EventRecord> event(String tenant, UUID id) {
    return events.stream().filter(e -> e.event().id().equals(id) && e.event().tenantId().equals(tenant)).findFirst();
  }

  @Override
  public Future<List<EventRecord>> listEvents(EventsQuery q) {
    return answer(q, () -> {
      List<EventRecord> mine = new ArrayList<>(events.stream().filter(e -> e.event().tenantId().equals(q.tenantId()))
          .filter(e -> q.integrationId().isEmpty() || e.deliveries().stream()
              .anyMatch(d -> d.integrationId().equals(q.integrationId().get())))
          .toList());
      int from = (int) Math.min(mine.size(), (long) (q.page() - 1) * q.perPage());
      return Future.succeededFuture(mine.subList(from, Math.min(mine.size(), from + q.perPage())));
    });
  }

  @Override
  public Future<EventRecord> getEvent(EventQuery q) {
    return answer(q, () -> event(q.tenantId(), q.eventId()).map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(EVENT_NOT_FOUND))));
  }

  @Override
  public Future<List<Attempt>> listAttempts(EventQuery q) {
    return answer(q, () -> event(q.tenantId(), q.eventId())
        .map(e -> Future.succeededFuture(attempts.getOrDefault(e.event().id(), List.of())))
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(EVENT_NOT_FOUND))));
  }

  @Override
  public Future<Void> redeliverEvent(RedeliverEventCommand c) {
    return answer(c, () -> event(c.tenantId(), c.eventId()).<Future<Void>>map(e -> {
      if (c.integrationId().isPresent()
          && e.deliveries().stream().noneMatch(d -> d.integrationId().equals(c.integrationId().get()))) {
        return Future.failedFuture(new ApplicationException.NotFound("integration not found for this event"));
      }
      return Future.succeededFuture();
    }).orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(EVENT_NOT_FOUND))));
  }

  @Override
  public Future<Integer> recordDeviceEvents(RecordDeviceEventsCommand c) {
    return answer(c, () -> Future.succeededFuture(integrations.values().stream()
        .anyMatch(i -> i.tenantId().equals(c.tenantId())) ? c.devices().size() : 0));
  }

  @Override
  public Future<Void> deleteTenant(DeleteTenantCommand c) {
    return answer(c, () -> {
      synchronized (integrations) {
        integrations.values().removeIf(i -> i.tenantId().equals(c.tenantId()));
      }
      events.removeIf(e -> e.event().tenantId().equals(c.tenantId()));
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Map<UUID, IntegrationHealth>> getIntegrationHealth(IntegrationsQuery q) {
    return answer(q, () -> {
      Map<UUID, IntegrationHealth> mine = new java.util.LinkedHashMap<>();
      synchronized (integrations) {
        integrations.values().stream().filter(i -> i.tenantId().equals(q.tenantId()))
            .forEach(i -> mine.put(i.id(), health.getOrDefault(i.id(), IntegrationHealth.NONE)));
      }
      return Future.succeededFuture(mine);
    });
  }

  @Override
  public Future<Integer> enableIntegration(EnableIntegrationCommand c) {
    return answer(c, () -> find(c.tenantId(), c.integrationId()).<Future<Integer>>map(i -> {
      health.computeIfPresent(i.id(), (id, h) -> h.enable());
      return Future.succeededFuture(queued);
    }).orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(INTEGRATION_NOT_FOUND))));
  }

  @Override
  public Future<Integer> recoverIntegration(RecoverIntegrationCommand c) {
    return answer(c, () -> find(c.tenantId(), c.integrationId()).<Future<Integer>>map(i ->
        health.getOrDefault(i.id(), IntegrationHealth.NONE).disabled()
            ? Future.failedFuture(new ApplicationException.Conflict("integration is disabled"))
            : Future.succeededFuture(queued))
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound(INTEGRATION_NOT_FOUND))));
  }

  @Override
  public Future<Void> checkHealth() {
    return answer("health", Future::succeededFuture);
  }
}
