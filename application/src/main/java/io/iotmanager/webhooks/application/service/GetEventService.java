package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.GetEventUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;

/** Reads one event of the caller's tenant. */
public final class GetEventService implements GetEventUseCase {
  private final EventRepository events;

  public GetEventService(EventRepository events) {
    this.events = events;
  }

  @Override
  public Future<EventRecord> getEvent(EventQuery query) {
    return events.findById(query.tenantId(), query.eventId())
        .compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound("event not found"))));
  }
}
