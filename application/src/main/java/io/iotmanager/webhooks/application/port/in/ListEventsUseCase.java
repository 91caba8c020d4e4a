package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import java.util.List;

/** Reads a page of the events log. */
public interface ListEventsUseCase {
  Future<List<EventRecord>> listEvents(EventsQuery query);
}
