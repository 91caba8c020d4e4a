package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;

/** Reads one event; fails with NotFound for an unknown or another tenant's id. */
public interface GetEventUseCase {
  Future<EventRecord> getEvent(EventQuery query);
}
