package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsUseCase;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.Integration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import io.vertx.core.Future;

/**
 * Durable intake (docs/wire-contract.md B1): stores the events of one call, each with one pending delivery per
 * webhook integration of the tenant that takes device events ({@link Integration#receivesDeviceEvents}: no
 * scopes, or {@code deviceauth} among them; skipped, not pending, for a disabled one), in one batched write
 * claimed at birth by this instance, then
 * hands those with a delivery to the dispatcher. A tenant without integrations costs no write; the events
 * of a tenant whose integrations are all of other providers (never called, A3) are logged without
 * deliveries and not handed off. While the dispatcher has no room, events are stored claimable at once
 * (their lease already ended) and left to its poll instead of handed over. The write passes through {@link IntakeAdmission}: under overload a call is
 * refused (503) before anything of it is written, never after.
 */
public final class RecordDeviceEventsService implements RecordDeviceEventsUseCase {
  private final IntegrationRepository integrations;
  private final EventRepository events;
  private final DeliveryQueue queue;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final String instanceId;
  private final Duration lease;
  private final IntakeAdmission admission;

  /** Without admission control: every call writes at once (tests and tools). */
  public RecordDeviceEventsService(IntegrationRepository integrations, EventRepository events, DeliveryQueue queue,
      Clock clock, Supplier<UUID> ids, String instanceId, Duration lease) {
    this(integrations, events, queue, clock, ids, instanceId, lease, IntakeAdmission.unbounded());
  }

  /**
   * @param admission bounds the store writes of intake; a call it refuses fails with
   *                  {@code ApplicationException.Overloaded} and writes nothing
   */
  public RecordDeviceEventsService(IntegrationRepository integrations, EventRepository events, DeliveryQueue queue,
      Clock clock, Supplier<UUID> ids, String instanceId, Duration lease, IntakeAdmission admission) {
    this.admission = admission;
    this.integrations = integrations;
    this.events = events;
    this.queue = queue;
    this.clock = clock;
    this.ids = ids;
    this.instanceId = instanceId;
    this.lease = lease;
  }

  @Override
  public Future<Integer> recordDeviceEvents(RecordDeviceEventsCommand command) {
    if (command.devices().isEmpty()) {
      return Future.succeededFuture(0);
    }
    long arrivedAt = admission.now();
    return admission.read(integrations.findByTenantWithHealth(command.tenantId()), arrivedAt).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(0);
      }
      Instant now = clock.instant();
      List<EventRecord> records = new ArrayList<>(command.devices().size());
      for (DeviceEventData device : command.devices()) {
        Event event = Event.create(ids.get(), command.tenantId(), command.type(), device.deviceId(), device.data(),
            now);
        List<DeliveryStatus> deliveries = found.stream()
            .filter(m -> m.integration().isWebhook())
            .filter(m -> m.integration().receivesDeviceEvents()) // every event taken in is a device lifecycle event
            .map(m -> m.health().disabled() ? DeliveryStatus.skipped(m.integration().id())
                : DeliveryStatus.pending(m.integration().id(), now))
            .toList();
        records.add(new EventRecord(event, deliveries));
      }
      List<EventRecord> deliverable = records.stream()
          .filter(r -> DeliveryStatus.dueAt(r.deliveries()).isPresent()).toList();
      // the lease starts when the write does: time spent waiting for admission does not shorten it; with
      // the dispatcher full, the events are stored with a lease that has already ended, for a poll to claim
      boolean handOff = deliverable.isEmpty() || queue.hasRoom();
      Instant[] leaseUntil = new Instant[1];
      return admission.submit(records.size(), arrivedAt, () -> {
        leaseUntil[0] = handOff ? clock.instant().plus(lease) : clock.instant();
        return events.insertAll(records, instanceId, leaseUntil[0]);
      }).map(stored -> {
        if (!deliverable.isEmpty()) {
          if (handOff) {
            queue.submit(deliverable, leaseUntil[0]);
          } else {
            queue.leftInStore();
          }
        }
        return records.size();
      });
    });
  }
}
