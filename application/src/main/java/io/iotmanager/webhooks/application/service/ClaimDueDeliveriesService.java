package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesUseCase;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Claims, with one conditional batch update, events that are due and whose lease is free or expired
 * (due retries released to the store, work of a crashed instance) and starts their delivery.
 */
public final class ClaimDueDeliveriesService implements ClaimDueDeliveriesUseCase {
  private final EventRepository events;
  private final DeliverEventsUseCase deliver;
  private final Clock clock;
  private final String instanceId;
  private final Duration lease;

  public ClaimDueDeliveriesService(EventRepository events, DeliverEventsUseCase deliver, Clock clock,
      String instanceId, Duration lease) {
    this.events = events;
    this.deliver = deliver;
    this.clock = clock;
    this.instanceId = instanceId;
    this.lease = lease;
  }

  @Override
  public io.vertx.core.Future<Integer> claimDueDeliveries(ClaimDueDeliveriesCommand command) {
    Instant now = clock.instant();
    Instant leaseUntil = now.plus(lease);
    return events.claimDue(instanceId, now, leaseUntil, command.limit()).map(claimed -> {
      if (!claimed.isEmpty()) {
        deliver.deliverEvents(DeliverEventsCommand.auto(claimed, leaseUntil));
      }
      return claimed.size();
    });
  }
}
