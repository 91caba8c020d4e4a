package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsUseCase;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Sends an event again now as a {@code manual} attempt, whatever its state, to each of its integrations
 * that still exists (or to the one named). It is handed to the delivery engine, which runs it after a
 * round of the same event in flight. Nothing is queued when the integration (or every integration of
 * the event) has been deleted: that answers a conflict.
 */
public final class RedeliverEventService implements RedeliverEventUseCase {
  static final String INTEGRATION_DELETED = "the integration of this event has been deleted; nothing to redeliver";
  static final String ALL_DELETED = "every integration of this event has been deleted; nothing to redeliver";

  private final EventRepository events;
  private final IntegrationRepository integrations;
  private final DeliverEventsUseCase deliver;

  public RedeliverEventService(EventRepository events, IntegrationRepository integrations,
      DeliverEventsUseCase deliver) {
    this.events = events;
    this.integrations = integrations;
    this.deliver = deliver;
  }

  @Override
  public Future<Void> redeliverEvent(RedeliverEventCommand command) {
    return events.findById(command.tenantId(), command.eventId()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApplicationException.NotFound("event not found"));
      }
      List<UUID> targets = found.get().deliveries().stream().map(DeliveryStatus::integrationId)
          .filter(id -> command.integrationId().isEmpty() || command.integrationId().get().equals(id)).toList();
      if (targets.isEmpty()) {
        return Future.failedFuture(new ApplicationException.NotFound("integration not found for this event"));
      }
      return integrations.findByTenant(command.tenantId()).compose(current -> {
        Set<UUID> existing = current.stream().filter(i -> i.credentials().http().isPresent())
            .map(Integration::id).collect(Collectors.toSet());
        if (targets.stream().noneMatch(existing::contains)) {
          return Future.failedFuture(new ApplicationException.Conflict(
              command.integrationId().isPresent() ? INTEGRATION_DELETED : ALL_DELETED));
        }
        deliver.deliverEvents(new DeliverEventsCommand(List.of(found.get()), AttemptTrigger.MANUAL,
            command.integrationId()));
        return Future.succeededFuture();
      });
    });
  }
}
