package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.ListAttemptsUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.Attempt;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;

/** Every attempt of one event, oldest first. */
public final class ListAttemptsService implements ListAttemptsUseCase {
  private final EventRepository events;

  public ListAttemptsService(EventRepository events) {
    this.events = events;
  }

  @Override
  public Future<List<Attempt>> listAttempts(EventQuery query) {
    return events.findAttempts(query.tenantId(), query.eventId()).compose(found -> found
        .map(list -> Future.succeededFuture(list.stream().sorted(Comparator.comparing(Attempt::time)).toList()))
        .orElseGet(() -> Future.failedFuture(new ApplicationException.NotFound("event not found"))));
  }
}
