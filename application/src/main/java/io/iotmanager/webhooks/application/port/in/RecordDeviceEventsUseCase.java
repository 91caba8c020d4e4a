package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Stores the events of an intake call with their pending deliveries and hands them to delivery.
 * Succeeds with the number of events stored (0 when the tenant has no integration) only once they
 * are durable; fails with StoreUnavailable when they could not be stored.
 */
public interface RecordDeviceEventsUseCase {
  Future<Integer> recordDeviceEvents(RecordDeviceEventsCommand command);
}
