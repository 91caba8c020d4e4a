package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The events log with each event's delivery state. Every failed future carries
 * {@code ApplicationException.StoreUnavailable}: nothing was acknowledged.
 */
public interface EventRepository {
  /**
   * Stores new events with their pending deliveries in one batched write, claimed at birth by
   * {@code leaseOwner} until {@code leaseUntil}. Either all are stored or the future fails. Not bounded in
   * time: it completes when the store answers (intake bounds how many such writes wait at once).
   */
  Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil);

  /** A page of a tenant's events, newest first; {@code integrationId} keeps those with a delivery to it. */
  Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId);

  Future<Optional<EventRecord>> findById(String tenantId, UUID id);

  Future<Void> deleteTenant(String tenantId);

  /**
   * Claims up to {@code limit} events that are due ({@code due_at <= now}) and not leased by a live
   * instance (no lease, or one that expired before {@code now}), with a conditional batch update, so two
   * instances never claim the same event; returns those this owner now holds until {@code leaseUntil}.
   */
  Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit);

  /**
   * Applies delivery outcomes in one batched write. An automatic outcome applies only while its lease
   * owner still holds the event (otherwise another instance took it over and the outcome is dropped);
   * a manual one applies to the deliveries it names.
   */
  Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes);

  /**
   * Extends this owner's lease on these events to at least {@code leaseUntil} (a longer lease, e.g. of
   * a retry held in memory, is kept); events another instance took over are left alone. One command.
   */
  Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil);

  /**
   * Sets pending again the deliveries to {@code integrationId} of the tenant's events since {@code since}
   * (event time, inclusive) whose state is one of {@code states}, oldest event first, the first due at
   * {@code firstDue} and each next one {@code spacing} later, so that they are delivered at a bounded
   * rate; each event becomes due (claimable) then. A delivery whose state changed meanwhile is left
   * alone. Returns how many were set pending. A few commands per thousand events. (A store that cannot
   * fails with {@code StoreUnavailable}.)
   */
  default Future<Integer> requeue(String tenantId, UUID integrationId, Instant since, Set<DeliveryState> states,
      Instant firstDue, Duration spacing) {
    return Future.failedFuture(new ApplicationException.StoreUnavailable(
        "store unavailable: this store cannot queue events again", null));
  }

  /**
   * Ends this owner's lease on these events where it is still exactly {@code leaseUntil} (the lease
   * they were stored or claimed with), so they are claimable at once; an event claimed again since then
   * (a new lease) or by another instance is left alone. One command.
   */
  Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil);

  /**
   * What {@link #takeLease} found.
   *
   * @param record the event's stored state
   * @param taken whether {@code owner} now holds its lease
   * @param leaseUntil until when its lease runs (this owner's when taken, else the holder's); empty when
   *     nobody holds it
   */
  record LeaseTake(EventRecord record, boolean taken, Optional<Instant> leaseUntil) {}

  /**
   * Takes the lease on one of the tenant's events for {@code owner} until at least {@code leaseUntil}
   * (a longer lease of the same owner is kept), unless another instance holds a lease on it that runs
   * past {@code now}; conditional and atomic, so two instances never both take it. Answers the event's
   * state with the lease as it is then; empty when there is no such event. One command when taken, two
   * when another instance holds it.
   */
  Future<Optional<LeaseTake>> takeLease(String owner, String tenantId, UUID eventId, Instant now,
      Instant leaseUntil);

  /** Every attempt recorded for an event of the tenant; empty when there is no such event. */
  Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId);
}
