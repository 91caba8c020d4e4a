package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsUseCase;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.vertx.core.Future;
import java.util.List;

/** Sends an event again now as a {@code manual} attempt, whatever its state. */
public final class RedeliverEventService implements RedeliverEventUseCase {
  private final EventRepository events;
  private final DeliverEventsUseCase deliver;

  public RedeliverEventService(EventRepository events, DeliverEventsUseCase deliver) {
    this.events = events;
    this.deliver = deliver;
  }

  @Override
  public Future<Void> redeliverEvent(RedeliverEventCommand command) {
    return events.findById(command.tenantId(), command.eventId()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApplicationException.NotFound("event not found"));
      }
      if (command.integrationId().isPresent() && found.get().deliveries().stream()
          .noneMatch(d -> d.integrationId().equals(command.integrationId().get()))) {
        return Future.failedFuture(new ApplicationException.NotFound("integration not found for this event"));
      }
      deliver.deliverEvents(new DeliverEventsCommand(List.of(found.get()), AttemptTrigger.MANUAL,
          command.integrationId()));
      return Future.succeededFuture();
    });
  }
}
