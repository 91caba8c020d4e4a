package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.EventsQuery;
import io.iotmanager.webhooks.application.port.in.ListEventsUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import java.util.List;

/** Pages through a tenant's events log, newest first. */
public final class ListEventsService implements ListEventsUseCase {
  private final EventRepository events;

  public ListEventsService(EventRepository events) {
    this.events = events;
  }

  @Override
  public Future<List<EventRecord>> listEvents(EventsQuery query) {
    int skip = (query.page() - 1) * query.perPage();
    return events.find(query.tenantId(), skip, query.perPage(), query.integrationId());
  }
}
