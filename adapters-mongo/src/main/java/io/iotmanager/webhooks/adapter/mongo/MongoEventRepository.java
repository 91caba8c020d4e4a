package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.EventDocuments.COLLECTION;
import static io.iotmanager.webhooks.adapter.mongo.StoreFailures.guard;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link EventRepository} over the {@value EventDocuments#COLLECTION} collection. */
final class MongoEventRepository implements EventRepository {
  /** Newest first; {@code _id} breaks ties between events of the same millisecond, so pages are stable. */
  static final JsonObject NEWEST_FIRST = new JsonObject().put(EventDocuments.EVENT_TS, -1).put(EventDocuments.ID, -1);

  private final MongoClient client;
  private final Duration ttl;
  /** Store operations issued, one per driver call: lets tests check that a batch costs one command. */

  MongoEventRepository(MongoClient client, Duration ttl) {
    this.client = client;
    this.ttl = ttl;
  }

  /**
   * One ordered bulk insert for the whole batch: the driver sends it as a single {@code insert} command
   * (it would split only past 100,000 documents or 48 MB). Ids are fresh random UUIDs, so a duplicate key
   * is practically impossible; a failure part-way is then a store failure, reported as
   * {@code StoreUnavailable} although the documents before the failing one may be stored. They are
   * claimed by this instance's lease and picked up again once it expires, so at-least-once delivery holds
   * (the caller answered 503 and the sender may post the same device change again: a duplicate event,
   * never a lost one).
   *
   * <p>No time bound (unlike the other operations): a write that may still be applied is never reported
   * as failed because it is slow, so intake never answers 503 for events that then appear. Intake's
   * admission control bounds how many of these can wait at once.
   */
  @Override
  public Future<Void> insertAll(List<EventRecord> events, String leaseOwner, Instant leaseUntil) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> inserts = new ArrayList<>(events.size());
    try {
      for (EventRecord event : events) {
        inserts.add(BulkOperation.createInsert(EventDocuments.toDocument(event, ttl, leaseOwner, leaseUntil)));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(StoreFailures.translate(e, "cannot store events"));
    }
    return StoreFailures.awaited(client.bulkWriteWithOptions(COLLECTION, inserts, new BulkWriteOptions(true))
        .compose(result -> result.getInsertedCount() == events.size()
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ApplicationException.StoreUnavailable("store unavailable: stored "
                + result.getInsertedCount() + " of " + events.size() + " events", null))),
        "cannot store events");
  }

  @Override
  public Future<List<EventRecord>> find(String tenantId, int skip, int limit, Optional<UUID> integrationId) {
    if (limit <= 0 || skip < 0) {
      return Future.succeededFuture(List.of());
    }
    JsonObject filter = new JsonObject().put(EventDocuments.TENANT_ID, tenantId);
    integrationId.ifPresent(id -> filter.put(EventDocuments.STATUS_INTEGRATION_ID, DocumentValues.uuid(id)));
    FindOptions options = new FindOptions().setSort(NEWEST_FIRST).setSkip(skip).setLimit(limit)
        .setFields(WITHOUT_ATTEMPTS);
    return guard(client.findWithOptions(COLLECTION, filter, options)
        .map(documents -> documents.stream().map(EventDocuments::fromDocument).toList()), "cannot read events");
  }

  @Override
  public Future<Optional<EventRecord>> findById(String tenantId, UUID id) {
    JsonObject filter = new JsonObject().put(EventDocuments.ID, DocumentValues.uuid(id))
        .put(EventDocuments.TENANT_ID, tenantId);
    return guard(client.findOne(COLLECTION, filter, WITHOUT_ATTEMPTS)
        .map(document -> Optional.ofNullable(document).map(EventDocuments::fromDocument)), "cannot read the event");
  }

  @Override
  public Future<Void> deleteTenant(String tenantId) {
    return guard(client.removeDocuments(COLLECTION, new JsonObject().put(EventDocuments.TENANT_ID, tenantId))
        .mapEmpty(), "cannot delete the tenant's events");
  }

  /** Without the attempt records, which only {@link #findAttempts} reads. */
  static final JsonObject WITHOUT_ATTEMPTS = new JsonObject().put(EventDocuments.ATTEMPT_LOG, 0);

  /**
   * Claims in three commands per batch, whatever its size: find due candidates, take them with one
   * conditional {@code updateMany} tagged with a fresh claim token (the lease condition is repeated, so
   * a concurrent claimer wins or loses each event atomically), then read back what carries the token.
   */
  @Override
  public Future<List<EventRecord>> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
    JsonObject claimable = claimable(now);
    FindOptions candidates = new FindOptions().setFields(new JsonObject().put(EventDocuments.ID, 1))
        .setSort(new JsonObject().put(EventDocuments.DUE_AT, 1)).setLimit(limit);
    return guard(client.findWithOptions(COLLECTION, claimable, candidates), "cannot find due events")
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(List.<EventRecord>of());
          }
          JsonArray ids = new JsonArray();
          found.forEach(d -> ids.add(d.getValue(EventDocuments.ID)));
          String token = UUID.randomUUID().toString();
          JsonObject take = claimable(now).put(EventDocuments.ID, new JsonObject().put("$in", ids));
          JsonObject update = new JsonObject().put("$set", new JsonObject()
              .put(EventDocuments.LEASE_OWNER, owner)
              .put(EventDocuments.LEASE_UNTIL, DocumentValues.date(leaseUntil))
              .put(EventDocuments.CLAIM, token));
          return guard(client.updateCollectionWithOptions(COLLECTION, take, update,
                  new UpdateOptions().setMulti(true)), "cannot claim due events")
              .compose(result -> {
                if (result.getDocModified() == 0) {
                  return Future.succeededFuture(List.<EventRecord>of());
                }
                JsonObject mine = new JsonObject().put(EventDocuments.ID, new JsonObject().put("$in", ids))
                    .put(EventDocuments.CLAIM, token);
                return guard(client.findWithOptions(COLLECTION, mine, new FindOptions().setFields(WITHOUT_ATTEMPTS))
                    .map(docs -> docs.stream().map(EventDocuments::fromDocument).toList()), "cannot read claimed events");
              });
        });
  }

  private static JsonObject claimable(Instant now) {
    JsonObject date = DocumentValues.date(now);
    return new JsonObject()
        .put(EventDocuments.DUE_AT, new JsonObject().put("$lte", date))
        .put("$or", new JsonArray()
            .add(new JsonObject().put(EventDocuments.LEASE_UNTIL, new JsonObject().put("$exists", false)))
            .add(new JsonObject().put(EventDocuments.LEASE_UNTIL, new JsonObject().put("$lt", date))));
  }

  /**
   * One bulk write for all outcomes: per event, one update that sets the changed delivery statuses by
   * position (the delivery list never changes order), appends the attempt records, and sets or clears
   * the due time and the lease. Ordered, so two outcomes of one event in a batch apply in the order they
   * happened.
   */
  @Override
  public Future<Void> recordOutcomes(List<DeliveryOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> updates = new ArrayList<>(outcomes.size());
    for (DeliveryOutcome outcome : outcomes) {
      JsonObject filter = new JsonObject().put(EventDocuments.ID, DocumentValues.uuidForBulk(outcome.eventId()));
      outcome.leaseOwner().ifPresent(owner -> filter.put(EventDocuments.LEASE_OWNER, owner));
      updates.add(BulkOperation.createUpdate(filter, EventDocuments.outcomeUpdate(outcome)));
    }
    return guard(client.bulkWriteWithOptions(COLLECTION, updates, new BulkWriteOptions(true)).mapEmpty(),
        "cannot record delivery outcomes");
  }

  @Override
  public Future<Void> extendLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
    if (eventIds.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray ids = new JsonArray();
    eventIds.forEach(id -> ids.add(DocumentValues.uuid(id)));
    JsonObject mine = new JsonObject().put(EventDocuments.ID, new JsonObject().put("$in", ids))
        .put(EventDocuments.LEASE_OWNER, owner);
    JsonObject extend = new JsonObject().put("$max", new JsonObject()
        .put(EventDocuments.LEASE_UNTIL, DocumentValues.date(leaseUntil)));
    return guard(client.updateCollectionWithOptions(COLLECTION, mine, extend, new UpdateOptions().setMulti(true))
        .mapEmpty(), "cannot extend leases");
  }

  /** Deliveries set pending per bulk write of {@link #requeue}. */
  static final int REQUEUE_CHUNK = 1000;

  /**
   * Finds the candidates (the tenant's events since then with a delivery to the integration: ids and
   * statuses only, oldest first), then sets each chosen delivery pending by its position, conditioned on
   * its state still being one of those asked for, with one unordered bulk write per
   * {@value #REQUEUE_CHUNK}; the event's {@code due_at} moves to the delivery's due time unless it is due
   * earlier ({@code $min}), which makes it claimable then. An event with nothing pending (no {@code due_at})
   * is in no instance's hands, so its lease (intake's, from its birth) ends too, conditioned on that. A status the Go service wrote (no {@code state})
   * counts as failed when it has {@code success: false}.
   */
  @Override
  public Future<Integer> requeue(String tenantId, UUID integrationId, Instant since, Set<DeliveryState> states,
      Instant firstDue, Duration spacing) {
    JsonObject filter = new JsonObject().put(EventDocuments.TENANT_ID, tenantId)
        .put(EventDocuments.STATUS_INTEGRATION_ID, DocumentValues.uuid(integrationId))
        .put(EventDocuments.EVENT_TS, new JsonObject().put("$gte", DocumentValues.date(since)));
    FindOptions options = new FindOptions()
        .setSort(new JsonObject().put(EventDocuments.EVENT_TS, 1).put(EventDocuments.ID, 1))
        .setFields(new JsonObject().put(EventDocuments.STATUS, 1).put(EventDocuments.EVENT_TS, 1)
            .put(EventDocuments.DUE_AT, 1));
    return guard(client.findWithOptions(COLLECTION, filter, options), "cannot find events to queue again")
        .compose(found -> {
          List<BulkOperation> updates = new ArrayList<>();
          for (JsonObject document : found) {
            JsonArray statuses = document.getJsonArray(EventDocuments.STATUS, new JsonArray());
            for (int k = 0; k < statuses.size(); k++) {
              DeliveryStatus d = EventDocuments.deliveryFrom(statuses.getJsonObject(k));
              if (d.integrationId().equals(integrationId) && states.contains(d.state())) {
                Instant due = firstDue.plus(spacing.multipliedBy(updates.size()));
                // nothing pending: a lease on it (intake's, taken at birth) guards nothing, and it ends now
                boolean idle = document.getValue(EventDocuments.DUE_AT) == null;
                JsonObject still = requeued(document, k, states);
                if (idle) {
                  still.put(EventDocuments.DUE_AT, new JsonObject().put("$exists", false));
                }
                updates.add(BulkOperation.createUpdate(still, EventDocuments.requeueUpdate(k, due, idle)));
              }
            }
          }
          Future<Integer> queued = Future.succeededFuture(0);
          for (int from = 0; from < updates.size(); from += REQUEUE_CHUNK) {
            List<BulkOperation> chunk = updates.subList(from, Math.min(updates.size(), from + REQUEUE_CHUNK));
            queued = queued.compose(sum -> guard(client.bulkWriteWithOptions(COLLECTION, chunk,
                new BulkWriteOptions(false)), "cannot queue events again").map(r -> sum + (int) r.getModifiedCount()));
          }
          return queued;
        });
  }

  /** The event, while its delivery at {@code index} is still in one of {@code states}. */
  private static JsonObject requeued(JsonObject document, int index, Set<DeliveryState> states) {
    String state = EventDocuments.STATUS + "." + index + "." + EventDocuments.STATE;
    JsonArray names = new JsonArray();
    states.forEach(s -> names.add(s.wireName()));
    JsonObject filter = new JsonObject().put(EventDocuments.ID,
        DocumentValues.uuidForBulk(DocumentValues.requiredUuid(document, EventDocuments.ID)));
    JsonObject current = new JsonObject().put(state, new JsonObject().put("$in", names));
    if (states.contains(DeliveryState.FAILED)) {
      filter.put("$or", new JsonArray().add(current).add(new JsonObject()
          .put(state, new JsonObject().put("$exists", false))
          .put(EventDocuments.STATUS + "." + index + "." + EventDocuments.SUCCESS, false)));
    } else {
      filter.mergeIn(current);
    }
    return filter;
  }

  /**
   * One {@code updateMany}: unsets the lease of this owner's events among {@code eventIds} whose lease
   * is still exactly {@code leaseUntil} (a claim since then set another), so they are claimable at once.
   */
  @Override
  public Future<Void> releaseLeases(String owner, List<UUID> eventIds, Instant leaseUntil) {
    if (eventIds.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray ids = new JsonArray();
    eventIds.forEach(id -> ids.add(DocumentValues.uuid(id)));
    JsonObject stillMine = new JsonObject().put(EventDocuments.ID, new JsonObject().put("$in", ids))
        .put(EventDocuments.LEASE_OWNER, owner)
        .put(EventDocuments.LEASE_UNTIL, DocumentValues.date(leaseUntil));
    JsonObject release = new JsonObject().put("$unset", new JsonObject()
        .put(EventDocuments.LEASE_OWNER, "").put(EventDocuments.LEASE_UNTIL, ""));
    return guard(client.updateCollectionWithOptions(COLLECTION, stillMine, release,
        new UpdateOptions().setMulti(true)).mapEmpty(), "cannot release leases");
  }

  /**
   * One {@code findOneAndUpdate} conditioned on the lease (none, ended before {@code now}, or this
   * owner's) that sets this owner and raises {@code lease_until} to at least {@code leaseUntil}, answering
   * the document after it; when another instance holds the lease, a second read tells its state and
   * lease (or that the event does not exist).
   */
  @Override
  public Future<Optional<LeaseTake>> takeLease(String owner, String tenantId, UUID eventId, Instant now,
      Instant leaseUntil) {
    JsonObject event = new JsonObject().put(EventDocuments.ID, DocumentValues.uuid(eventId))
        .put(EventDocuments.TENANT_ID, tenantId);
    JsonObject takeable = event.copy().put("$or", new JsonArray()
        .add(new JsonObject().put(EventDocuments.LEASE_UNTIL, new JsonObject().put("$exists", false)))
        .add(new JsonObject().put(EventDocuments.LEASE_UNTIL, new JsonObject().put("$lt", DocumentValues.date(now))))
        .add(new JsonObject().put(EventDocuments.LEASE_OWNER, owner)));
    JsonObject take = new JsonObject()
        .put("$set", new JsonObject().put(EventDocuments.LEASE_OWNER, owner))
        .put("$max", new JsonObject().put(EventDocuments.LEASE_UNTIL, DocumentValues.date(leaseUntil)));
    FindOptions fields = new FindOptions().setFields(WITHOUT_ATTEMPTS);
    return guard(client.findOneAndUpdateWithOptions(COLLECTION, takeable, take, fields,
            new UpdateOptions().setReturningNewDocument(true)), "cannot take the event's lease")
        .compose(taken -> taken != null
            ? Future.succeededFuture(Optional.of(leaseTake(taken, true)))
            : guard(client.findOne(COLLECTION, event, WITHOUT_ATTEMPTS), "cannot read the event")
                .map(held -> Optional.ofNullable(held).map(document -> leaseTake(document, false))));
  }

  private static LeaseTake leaseTake(JsonObject document, boolean taken) {
    return new LeaseTake(EventDocuments.fromDocument(document), taken,
        DocumentValues.optionalInstant(document, EventDocuments.LEASE_UNTIL));
  }

  @Override
  public Future<Optional<List<Attempt>>> findAttempts(String tenantId, UUID eventId) {
    JsonObject filter = new JsonObject().put(EventDocuments.ID, DocumentValues.uuid(eventId))
        .put(EventDocuments.TENANT_ID, tenantId);
    JsonObject fields = new JsonObject().put(EventDocuments.ATTEMPT_LOG, 1);
    return guard(client.findOne(COLLECTION, filter, fields)
        .map(document -> Optional.ofNullable(document).map(EventDocuments::attemptsFrom)), "cannot read attempts");
  }

  /**
   * Deletes the events whose {@code expire_ts} has passed: the embedded server ignores TTL indexes, so
   * a timer calls this there. Returns how many were deleted.
   */
  Future<Long> deleteExpired(Instant now) {
    JsonObject expired = new JsonObject().put(EventDocuments.EXPIRE_TS,
        new JsonObject().put("$lt", DocumentValues.date(now)));
    return guard(client.removeDocuments(COLLECTION, expired).map(result -> result.getRemovedCount()),
        "cannot delete expired events");
  }

  /**
   * Embedded store only, at start-up: no other process can hold this data directory, so every lease in
   * it belongs to a process that is gone; they all end now, and their events are due for claiming at
   * once instead of after the lease. Only {@code lease_until} changes (to {@code now}). Returns how many.
   */
  Future<Long> endLeasesOfAGoneProcess(Instant now) {
    JsonObject held = new JsonObject().put(EventDocuments.LEASE_UNTIL,
        new JsonObject().put("$gt", DocumentValues.date(now)));
    JsonObject end = new JsonObject().put("$set", new JsonObject()
        .put(EventDocuments.LEASE_UNTIL, DocumentValues.date(now)));
    return guard(client.updateCollectionWithOptions(COLLECTION, held, end, new UpdateOptions().setMulti(true))
        .map(result -> result.getDocModified()), "cannot take over the previous process's leases");
  }
}
