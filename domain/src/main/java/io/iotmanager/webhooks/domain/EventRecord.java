package io.iotmanager.webhooks.domain;

import java.util.List;

/** An event as the events log shows it: the event and the delivery status per integration. */
public record EventRecord(Event event, List<DeliveryStatus> deliveries) {
  public EventRecord {
    if (event == null) {
      throw new DomainValidationException("event record: event is required");
    }
    deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
  }
}
