package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The events log in memory, applying outcomes the way the Mongo adapter does (statuses by position,
 * attempts appended, due time and lease set or cleared; an automatic outcome only under its owner's
 * lease), and recording every {@code recordOutcomes} call so tests can count store writes.
 */
final class InMemoryEventRepository implements EventRepository {
  /** One stored event: the record, its attempt log, its due time and lease. */
  static final class Stored {
    EventRecord record;
    final List<Attempt> attempts = new ArrayList<>();
    Optional<Instant> dueAt;
    Optional<String> leaseOwner;
    Optional<Instant> leaseUntil;

    Stored(EventRecord record, Optional<String> owner, Optional<Instant> until) {
      this.record = record;
      this.dueAt = DeliveryStatus.dueAt(record.deliveries());
      this.leaseOwner = owner;
      this.leaseUntil = until;
    }
  }

  private final Map<UUID, Stored> events = new LinkedHashMap<>();
  private final List<List<DeliveryOutcome>> outcomeWrites = new ArrayList<>();
  private int failNextWrites;
  private boolean holdWrites;
  private final List<Runnable> heldWrites = new ArrayList<>();

  synchronized void put(EventRecord record) {
    events.put(record.event().id(), new Stored(record, Optional.empty(), Optional.empty()));
  }

  synchronized Stored stored(UUID id) {
    return events.get(id);
  }

  synchronized EventRecord record(UUID id) {
    return events.get(id).record;
  }

  synchronized DeliveryStatus status(UUID eventId, int index) {
    return events.get(eventId).record.deliveries().get(index);
  }

  synchronized List<Attempt> attempts(UUID eventId) {
    return new ArrayList<>(events.get(eventId).attempts);
  }

  /** Every {@code recordOutcomes} call, with its batch. */
  /** Every outcome written, in order, over all writes. */
  synchronized List<DeliveryOutcome> outcomes() {
    return outcomeWrites.stream().flatMap(List::stream).toList();
  }

  synchronized List<List<DeliveryOutcome>> outcomeWrites() {
    return new ArrayList<>(outcomeWrites);
  }

  /** The next {@code n} outcome writes fail (store unavailable) without applying anything. */
  synchronized void failNextWrites(int n) {
    failNextWrites = n;
  }

  /** From now on, outcome writes complete only when {@link #releaseWrites} is called. */
  synchronized void holdWrites() {
    holdWrites = true;
  }

  /** Completes the held outcome writes (applying them) and stops holding. */
  void releaseWrites() {
    List<Runnable> release;
    synchronized (this) {
      holdWrites = false;
      release = new ArrayList<>(heldWrites);
      heldWrites.clear();
    }
    release.forEach(Runnable::run);
  }

  /** One {@code insertAll} call: the batch and the lease written with it. */
  record Insert(List<EventRecord> records, String leaseOwner, Instant leaseUntil) {}

  private final List<Insert> inserts = new ArrayList<>();
  private Future<Void> nextInsert = Future.succeededFuture();

  /** Every {@code insertAll} call, in order. */
  synchronized List<Insert> inserts() {
    return new ArrayList<>(inserts);
  }

  /** What the next {@code insertAll} answers; the batch is stored once (and if) it succeeds. */
  synchronized void answerNextInsert(Future<Void> answer) {
    nextInsert = answer;
  }

  /** Whether the store holds these records (acknowledged inserts only). */
  synchronized boolean holds(List<EventRecord> records) {
    return records.stream().allMatch(r -> events.containsKey(r.event().id()));
  }

  @Override
  public synchronized Future<Void> insertAll(List<EventRecord> records, String leaseOwner, Instant leaseUntil) {
    inserts.add(new Insert(List.copyOf(records), leaseOwner, leaseUntil));
    Future<Void> answer = nextInsert;
    nextInsert = Future.succeededFuture();
    return answer.onSuccess(v -> {
      synchronized (this) {
        records.forEach(r -> events.put(r.event().id(),
            new Stored(r, Optional.of(leaseOwner), Optional.of(leaseUntil))));
      }
    });
  }

  @Override
  public synchronized Future<List<EventRecord>> find(String tenantId, int skip, int limit,
      Optional<UUID> integrationId) {
    return Future.succeededFuture(events.values().stream().map(s -> s.record)
        .filter(r -> r.event().tenantId().equals(tenantId)).skip(skip).limit(limit).toList());
  }

  @Override
  public synchronized Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
    return Future.succeededFuture(Optional.ofNullable(events.get(id)).map(s -> s.record)
        .filter(r -> r.event().tenantId().equals(tenantId)));
  }

  @Override
  public synchronized Future<Void> deleteTenant(String tenantId) {
    events.values().removeIf(s -> s.record.event().tenantId().equals(tenantId));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
    List<EventRecord> claimed = new ArrayList<>();
    for (Stored s : events.values()) {
      if (claimed.size() >= limit) {
        break;
      }
      boolean due = s.dueAt.isPresent() && !s.dueAt.get().isAfter(now);
      boolean free = s.leaseUntil.isEmpty() || s.leaseUntil.get().isBefore(now);
      if (due && free) {
        s.leaseOwner = Optional.of(owner);
        s.leaseUntil = Optional.of(leaseUntil);
        claimed.add(s.record);
      }
    }
    return Future.succeededFuture(claimed);
  }

  @Override
  public Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes) {
    synchronized (this) {
      if (holdWrites) {
        io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
        heldWrites.add(() -> apply(outcomes).onComplete(later));
        return later.future();
      }
    }
    return apply(outcomes);
  }

  private synchronized Future<Void> apply(List<DeliveryOutcome> outcomes) {
    outcomeWrites.add(List.copyOf(outcomes));
    if (failNextWrites > 0) {
      failNextWrites--;
      return Future.failedFuture(new ApplicationException.StoreUnavailable("store unavailable", null));
    }
    for (DeliveryOutcome o : outcomes) {
      Stored s = events.get(o.eventId());
      if (s == null || (!o.manual() && !o.leaseOwner().equals(s.leaseOwner))) {
        continue;
      }
      List<DeliveryStatus> deliveries = new ArrayList<>(s.record.deliveries());
      o.changed().forEach(deliveries::set);
      s.record = new EventRecord(s.record.event(), deliveries);
      s.attempts.addAll(o.attempts());
      s.dueAt = o.dueAt();
      if (!o.manual()) {
        s.leaseUntil = o.leaseUntil();
        if (o.leaseUntil().isEmpty()) {
          s.leaseOwner = Optional.empty();
        }
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
    leaseExtensions++;
    for (UUID id : eventIds) {
      Stored stored = events.get(id);
      if (stored != null && stored.leaseOwner.equals(Optional.of(owner))
          && (stored.leaseUntil.isEmpty() || stored.leaseUntil.get().isBefore(leaseUntil))) {
        stored.leaseUntil = Optional.of(leaseUntil);
      }
    }
    return Future.succeededFuture();
  }

  /** How many times {@link #extendLeases} was called. */
  int leaseExtensions;

  /** As the Mongo adapter does: by event time, oldest first; the delivery's state must still be one of {@code states}. */
  @Override
  public synchronized Future<Integer> requeue(String tenantId, UUID integrationId, Instant since,
      java.util.Set<DeliveryState> states, Instant firstDue, java.time.Duration spacing) {
    List<Stored> matching = events.values().stream()
        .filter(s -> s.record.event().tenantId().equals(tenantId) && !s.record.event().time().isBefore(since))
        .sorted(java.util.Comparator.comparing((Stored s) -> s.record.event().time()))
        .toList();
    int queued = 0;
    for (Stored s : matching) {
      List<DeliveryStatus> deliveries = new ArrayList<>(s.record.deliveries());
      for (int k = 0; k < deliveries.size(); k++) {
        DeliveryStatus d = deliveries.get(k);
        if (d.integrationId().equals(integrationId) && states.contains(d.state())) {
          Instant due = firstDue.plus(spacing.multipliedBy(queued));
          deliveries.set(k, d.requeued(due));
          if (s.dueAt.isEmpty()) { // nothing was pending: its lease (intake's) ends
            s.leaseOwner = Optional.empty();
            s.leaseUntil = Optional.empty();
          }
          s.dueAt = Optional.of(s.dueAt.filter(at -> at.isBefore(due)).orElse(due));
          queued++;
        }
      }
      s.record = new EventRecord(s.record.event(), deliveries);
    }
    return Future.succeededFuture(queued);
  }

  @Override
  public synchronized Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
    leaseReleases.add(List.copyOf(eventIds));
    for (UUID id : eventIds) {
      Stored stored = events.get(id);
      if (stored != null && stored.leaseOwner.equals(Optional.of(owner))
          && stored.leaseUntil.equals(Optional.of(leaseUntil))) {
        stored.leaseOwner = Optional.empty();
        stored.leaseUntil = Optional.empty();
      }
    }
    return Future.succeededFuture();
  }

  /** Every {@link #releaseLeases} call, with its event ids. */
  final List<List<UUID>> leaseReleases = new ArrayList<>();

  /** As the Mongo adapter does: taken when nobody holds a lease running past {@code now}, or the owner does. */
  @Override
  public synchronized Future<Optional<LeaseTake>> takeLease(String owner, String tenantId, UUID eventId,
      Instant now, Instant leaseUntil) {
    leaseTakes++;
    Stored s = events.get(eventId);
    if (s == null || !s.record.event().tenantId().equals(tenantId)) {
      return Future.succeededFuture(Optional.empty());
    }
    boolean free = s.leaseUntil.isEmpty() || s.leaseUntil.get().isBefore(now)
        || s.leaseOwner.equals(Optional.of(owner));
    if (free) {
      s.leaseOwner = Optional.of(owner);
      s.leaseUntil = Optional.of(s.leaseUntil.filter(until -> until.isAfter(leaseUntil)
          && s.leaseOwner.equals(Optional.of(owner))).orElse(leaseUntil));
    }
    return Future.succeededFuture(Optional.of(new LeaseTake(s.record, free, s.leaseUntil)));
  }

  /** How many times {@link #takeLease} was called. */
  int leaseTakes;

  @Override
  public synchronized Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
    return Future.succeededFuture(Optional.ofNullable(events.get(eventId))
        .filter(s -> s.record.event().tenantId().equals(tenantId)).map(s -> List.copyOf(s.attempts)));
  }
}
