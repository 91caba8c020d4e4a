package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps {@link EventRecord} to and from its document in {@value #COLLECTION}, the Go iot-manager's events
 * log (docs/wire-contract.md A9), with this service's delivery state as extra fields beside the Go ones: the event, its
 * exact webhook body and one delivery status per target integration, all in one document so that intake is
 * a single write and each delivery update is a single-document atomic update.
 * <pre>{@code
 * {_id: BinData(4, <event uuid>), type: "device-provisioned", tenant_id,
 *  data: {id, status?, auth_sets?, created_ts?: <Date>},          // as the Go service stores it
 *  event_ts: <Date, ms>, expire_ts: <Date = event_ts + event_exp_timeout>,
 *  status: [{integration_id: BinData(4), success: bool, err?: "<text>", status?: <http code>,   // Go's
 *            state: "pending"|"delivered"|"failed", attempts: <int>, next_attempt_at?: <Date>}],  // ours
 *  time_text: "<exact RFC 3339 text>", body: "<exact webhook body>",
 *  due_at?: <Date: the earliest next_attempt_at of a pending delivery; absent when none is pending>,
 *  lease_owner: "<instance>", lease_until: <Date>, claim?: "<token of the last claim>",
 *  attempt_log: [{integration_id: "<uuid>", attempt, time: <Date>, status_code?, error?,
 *                 response_body?: "<first 4 KiB>", duration_ms, trigger}]}
 * }</pre>
 * {@code event_ts} (milliseconds) orders and ages events; {@code time_text} keeps the nanoseconds that the
 * body carries, and is what {@link Event#time()} is read from. {@code status[]} always holds the outcome
 * of the latest attempt in the Go service's fields, so the Go service shows it after a swap back. (The
 * attempt records, ours alone, keep the integration id as text: they are appended by a bulk update,
 * whose documents the client passes as extended JSON.)
 *
 * <p>Events the Go service wrote have only its fields: their body is rebuilt from {@code data} and
 * {@code event_ts} as the Go service sends it, and each status reads as {@code delivered} or
 * {@code failed} after one attempt. They have no {@code due_at}, so they are never delivered again.
 */
final class EventDocuments {
  static final String COLLECTION = "log";
  static final String ID = "_id";
  static final String TENANT_ID = "tenant_id";
  static final String TYPE = "type";
  static final String DATA = "data";
  static final String EVENT_TS = "event_ts";
  static final String EXPIRE_TS = "expire_ts";
  static final String STATUS = "status";
  static final String TIME_TEXT = "time_text";
  static final String BODY = "body";
  static final String DUE_AT = "due_at";
  static final String LEASE_OWNER = "lease_owner";
  static final String LEASE_UNTIL = "lease_until";
  static final String CLAIM = "claim";
  static final String ATTEMPT_LOG = "attempt_log";

  // a delivery status, in status[]: the Go service's fields, then ours
  static final String INTEGRATION_ID = "integration_id";
  static final String SUCCESS = "success";
  static final String ERR = "err";
  static final String STATUS_CODE_GO = "status";
  static final String STATE = "state";
  static final String ATTEMPTS = "attempts";
  static final String NEXT_ATTEMPT_AT = "next_attempt_at";
  /** Path of the integration ids of the statuses, for the events-log filter. */
  static final String STATUS_INTEGRATION_ID = STATUS + "." + INTEGRATION_ID;

  // an attempt record, in attempt_log
  static final String TIME = "time";
  static final String STATUS_CODE = "status_code";
  static final String ERROR = "error";
  static final String RESPONSE_BODY = "response_body";

  private EventDocuments() {}

  static JsonObject toDocument(EventRecord record, Duration ttl, String leaseOwner, Instant leaseUntil) {
    Event event = record.event();
    JsonArray statuses = new JsonArray();
    for (DeliveryStatus delivery : record.deliveries()) {
      statuses.add(deliveryDocument(delivery));
    }
    JsonObject document = new JsonObject()
        .put(ID, DocumentValues.uuid(event.id()))
        .put(TYPE, event.type().wireName())
        .put(TENANT_ID, event.tenantId())
        .put(DATA, EventData.toStored(event))
        .put(EVENT_TS, DocumentValues.date(event.time()))
        .put(EXPIRE_TS, DocumentValues.date(event.time().plus(ttl)))
        .put(STATUS, statuses)
        .put(TIME_TEXT, EventTime.format(event.time()))
        .put(BODY, event.body());
    DeliveryStatus.dueAt(record.deliveries()).ifPresent(due -> document.put(DUE_AT, DocumentValues.date(due)));
    return document
        .put(LEASE_OWNER, leaseOwner)
        .put(LEASE_UNTIL, DocumentValues.date(leaseUntil));
  }

  /** A delivery status as stored in {@code status[]}: the Go service's fields and ours. */
  static JsonObject deliveryDocument(DeliveryStatus delivery) {
    JsonObject document = new JsonObject()
        .put(INTEGRATION_ID, DocumentValues.uuid(delivery.integrationId()))
        .put(SUCCESS, delivery.success());
    delivery.error().ifPresent(error -> document.put(ERR, error));
    delivery.statusCode().ifPresent(code -> document.put(STATUS_CODE_GO, code));
    document.put(STATE, delivery.state().wireName()).put(ATTEMPTS, delivery.attempts());
    delivery.nextAttemptAt().ifPresent(next -> document.put(NEXT_ATTEMPT_AT, DocumentValues.date(next)));
    return document;
  }


  /**
   * Reads a stored event, written by this service or by the Go service.
   *
   * @throws StoredDocumentException when the document does not map to a valid event
   */
  static EventRecord fromDocument(JsonObject document) {
    UUID id = DocumentValues.requiredUuid(document, ID);
    try {
      String typeName = DocumentValues.requiredString(document, TYPE);
      EventType type = EventType.fromWire(typeName)
          .orElseThrow(() -> new StoredDocumentException("unknown event type " + typeName));
      Optional<String> timeText = DocumentValues.optionalString(document, TIME_TEXT);
      Instant time = timeText.isPresent()
          ? EventTime.parse(timeText.get())
          : DocumentValues.requiredInstant(document, EVENT_TS);
      JsonObject data = document.getValue(DATA) instanceof JsonObject d ? d : new JsonObject();
      String body = DocumentValues.optionalString(document, BODY)
          .orElseGet(() -> EventData.goBody(id, type, data, time));
      Event event = new Event(id, DocumentValues.requiredString(document, TENANT_ID), type,
          EventData.deviceId(data), time, body);
      JsonArray stored = document.getValue(STATUS) instanceof JsonArray array ? array : new JsonArray();
      List<DeliveryStatus> deliveries = new ArrayList<>(stored.size());
      for (int i = 0; i < stored.size(); i++) {
        deliveries.add(deliveryFrom(stored.getJsonObject(i)));
      }
      return new EventRecord(event, deliveries);
    } catch (StoredDocumentException | DomainValidationException | DateTimeParseException | ClassCastException e) {
      throw new StoredDocumentException("event " + id + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The update of one delivery outcome: {@code $set} of each changed status by position, the Go
   * service's fields ({@code success}, {@code err}, {@code status}) with ours (absent
   * optional fields {@code $unset}; the attempt counter is {@code $inc}remented by the records added),
   * {@code $push} of the attempt records, and the due time and lease
   * set or cleared. A released lease leaves the event claimable once due.
   */
  static JsonObject outcomeUpdate(DeliveryOutcome outcome) {
    JsonObject set = new JsonObject();
    JsonObject unset = new JsonObject();
    JsonObject inc = new JsonObject();
    outcome.changed().forEach((index, status) -> {
      String prefix = STATUS + "." + index + ".";
      set.put(prefix + SUCCESS, status.success());
      set.put(prefix + STATE, status.state().wireName());
      // Counted in the store, in the same update that appends the records: instances that attempt one
      // delivery at once (a redelivery on one, a retry on another) each add theirs, and the counter
      // stays the number of records (which are numbered by their position, see attemptsFrom).
      long recorded = outcome.attempts().stream().filter(a -> a.integrationId().equals(status.integrationId())).count();
      if (recorded > 0) {
        inc.put(prefix + ATTEMPTS, recorded);
      }
      if (status.statusCode().isPresent()) {
        set.put(prefix + STATUS_CODE_GO, status.statusCode().get());
      } else {
        unset.put(prefix + STATUS_CODE_GO, "");
      }
      if (status.error().isPresent()) {
        set.put(prefix + ERR, status.error().get());
      } else {
        unset.put(prefix + ERR, "");
      }
      if (status.nextAttemptAt().isPresent() && status.state() == DeliveryState.PENDING) {
        set.put(prefix + NEXT_ATTEMPT_AT, DocumentValues.date(status.nextAttemptAt().get()));
      } else {
        unset.put(prefix + NEXT_ATTEMPT_AT, "");
      }
    });
    if (outcome.dueAt().isPresent()) {
      set.put(DUE_AT, DocumentValues.date(outcome.dueAt().get()));
    } else {
      unset.put(DUE_AT, "");
    }
    if (!outcome.manual()) {
      if (outcome.leaseUntil().isPresent()) {
        set.put(LEASE_UNTIL, DocumentValues.date(outcome.leaseUntil().get()));
      } else {
        unset.put(LEASE_UNTIL, "").put(LEASE_OWNER, "");
      }
    }
    JsonObject update = new JsonObject();
    if (!set.isEmpty()) {
      update.put("$set", set);
    }
    if (!inc.isEmpty()) {
      update.put("$inc", inc);
    }
    if (!unset.isEmpty()) {
      update.put("$unset", unset);
    }
    if (!outcome.attempts().isEmpty()) {
      JsonArray log = new JsonArray();
      outcome.attempts().forEach(a -> log.add(attemptDocument(a)));
      update.put("$push", new JsonObject().put(ATTEMPT_LOG, new JsonObject().put("$each", log)));
    }
    return update;
  }

  /**
   * The update that sets the delivery at {@code index} pending again, due at {@code due} (its attempt
   * count and latest outcome stay), and the event due then unless it is due earlier; with {@code endLease}
   * the event's lease ends (for an event that had nothing pending).
   */
  static JsonObject requeueUpdate(int index, Instant due, boolean endLease) {
    String prefix = STATUS + "." + index + ".";
    JsonObject date = DocumentValues.date(due);
    JsonObject update = new JsonObject()
        .put("$set", new JsonObject().put(prefix + STATE, DeliveryState.PENDING.wireName()).put(prefix + SUCCESS, false)
            .put(prefix + NEXT_ATTEMPT_AT, date))
        .put("$min", new JsonObject().put(DUE_AT, date));
    if (endLease) {
      update.put("$unset", new JsonObject().put(LEASE_OWNER, "").put(LEASE_UNTIL, ""));
    }
    return update;
  }

  static JsonObject attemptDocument(Attempt attempt) {
    JsonObject document = new JsonObject()
        .put(INTEGRATION_ID, attempt.integrationId().toString())
        .put("attempt", attempt.attempt())
        .put(TIME, DocumentValues.date(attempt.time()));
    attempt.statusCode().ifPresent(code -> document.put(STATUS_CODE, code));
    attempt.error().ifPresent(error -> document.put(ERROR, error));
    attempt.responseBody().ifPresent(body -> document.put(RESPONSE_BODY, body));
    return document.put("duration_ms", attempt.durationMs()).put("trigger", attempt.trigger().wireName());
  }

  /**
   * The attempt records, each numbered by its position among its integration's records (1, 2, 3, …):
   * records are only ever appended, one update at a time, so the numbers are unique and gapless whichever
   * instances wrote them, and match the counter the same updates keep. (The number stored with a record
   * is the writer's own count, which a writer racing another instance can have got wrong.)
   */
  static List<Attempt> attemptsFrom(JsonObject document) {
    JsonArray stored = document.getJsonArray(ATTEMPT_LOG, new JsonArray());
    List<Attempt> attempts = new ArrayList<>(stored.size());
    java.util.Map<UUID, Integer> numbers = new java.util.HashMap<>();
    for (int i = 0; i < stored.size(); i++) {
      JsonObject a = stored.getJsonObject(i);
      UUID integration = DocumentValues.requiredUuid(a, INTEGRATION_ID);
      attempts.add(new Attempt(integration,
          numbers.merge(integration, 1, Integer::sum), DocumentValues.requiredInstant(a, TIME),
          DocumentValues.optionalInt(a, STATUS_CODE), DocumentValues.optionalString(a, ERROR),
          a.getValue("duration_ms") instanceof Number n ? n.longValue() : 0L,
          AttemptTrigger.fromWire(DocumentValues.optionalString(a, "trigger").orElse("auto")),
          DocumentValues.optionalString(a, RESPONSE_BODY)));
    }
    return attempts;
  }

  /**
   * A status of {@code status[]}: ours carry their state; one the Go service wrote is delivered or failed
   * after its one attempt. The previous version of this service named the code {@code status_code} and
   * the error {@code error}: both are read.
   */
  static DeliveryStatus deliveryFrom(JsonObject document) {
    Optional<Integer> code = document.getValue(STATUS_CODE_GO) != null
        ? DocumentValues.optionalInt(document, STATUS_CODE_GO)
        : DocumentValues.optionalInt(document, STATUS_CODE);
    Optional<String> error = document.getValue(ERR) != null
        ? DocumentValues.optionalString(document, ERR)
        : DocumentValues.optionalString(document, ERROR);
    Optional<String> state = DocumentValues.optionalString(document, STATE);
    DeliveryState parsed = state.map(DeliveryState::fromWire)
        .orElse(Boolean.TRUE.equals(document.getValue(SUCCESS)) ? DeliveryState.DELIVERED : DeliveryState.FAILED);
    int attempts = DocumentValues.optionalInt(document, ATTEMPTS).orElse(state.isPresent() ? 0 : 1);
    return new DeliveryStatus(DocumentValues.requiredUuid(document, INTEGRATION_ID), parsed, attempts, code, error,
        DocumentValues.optionalInstant(document, NEXT_ATTEMPT_AT));
  }
}
