package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Attempt the deliveries of events this instance holds the lease on ({@code auto}: the due pending
 * ones), or send one event again now ({@code manual}, optionally to one integration only).
 */
public record DeliverEventsCommand(List<EventRecord> events, AttemptTrigger trigger, Optional<UUID> integrationId) {
  public DeliverEventsCommand {
    if (events == null || trigger == null) {
      throw new DomainValidationException("events and trigger are required");
    }
    events = List.copyOf(events);
    integrationId = integrationId == null ? Optional.empty() : integrationId;
  }

  public static DeliverEventsCommand auto(List<EventRecord> events) {
    return new DeliverEventsCommand(events, AttemptTrigger.AUTO, Optional.empty());
  }
}
