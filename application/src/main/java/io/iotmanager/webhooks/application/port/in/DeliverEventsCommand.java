package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Attempt the deliveries of events this instance holds the lease on ({@code auto}: the due pending
 * ones), or send one event again now ({@code manual}, optionally to one integration only).
 *
 * @param leaseUntil for {@code auto}: until when this instance's lease on the events runs, when known
 *     (the birth lease of intake's hand-off, the lease of a claim); the engine renews a lease only when
 *     it would run out while the event still waits, and at once when it is not known
 */
public record DeliverEventsCommand(List<EventRecord> events, AttemptTrigger trigger, Optional<UUID> integrationId,
    Optional<Instant> leaseUntil) {
  public DeliverEventsCommand {
    if (events == null || trigger == null) {
      throw new DomainValidationException("events and trigger are required");
    }
    events = List.copyOf(events);
    integrationId = integrationId == null ? Optional.empty() : integrationId;
    leaseUntil = leaseUntil == null ? Optional.empty() : leaseUntil;
  }

  public DeliverEventsCommand(List<EventRecord> events, AttemptTrigger trigger, Optional<UUID> integrationId) {
    this(events, trigger, integrationId, Optional.empty());
  }

  /** Automatic attempts of events whose lease is not known here (it is renewed at the next renewal). */
  public static DeliverEventsCommand auto(List<EventRecord> events) {
    return new DeliverEventsCommand(events, AttemptTrigger.AUTO, Optional.empty(), Optional.empty());
  }

  /** Automatic attempts of events this instance holds the lease on until {@code leaseUntil}. */
  public static DeliverEventsCommand auto(List<EventRecord> events, Instant leaseUntil) {
    return new DeliverEventsCommand(events, AttemptTrigger.AUTO, Optional.empty(), Optional.of(leaseUntil));
  }
}
