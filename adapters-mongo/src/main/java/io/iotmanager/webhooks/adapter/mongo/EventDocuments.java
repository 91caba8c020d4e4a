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
 * Maps {@link EventRecord} to and from its document in {@value #COLLECTION}: the event, its exact
 * webhook body and one delivery status per target integration, all in one document so that intake is a
 * single write and each delivery update is a single-document atomic update.
 * <pre>{@code
 * {_id: "<event uuid>", tenant_id, type: "device-provisioned", device_id,
 *  time: <Date, ms>, time_text: "<exact RFC 3339 text>", body: "<exact webhook body>",
 *  expire_at: <Date = time + event_exp_timeout>,
 *  deliveries: [{integration_id, state: "pending"|"delivered"|"failed", attempts: 0,
 *                status_code?, error?, next_attempt_at?: <Date>}],
 *  integration_ids: ["<uuid>", …],
 *  due_at?: <Date: the earliest next_attempt_at of a pending delivery; absent when none is pending>,
 *  lease_owner: "<instance>", lease_until: <Date>, claim?: "<token of the last claim>",
 *  attempt_log: [{integration_id, attempt, time: <Date>, status_code?, error?, response_body?: "<first 4 KiB>",
 *                 duration_ms, trigger}]}
 * }</pre>
 * {@code time} (a BSON date, milliseconds) orders and ages events; {@code time_text} keeps the
 * nanoseconds that the body carries, and is what {@link Event#time()} is read from.
 */
final class EventDocuments {
  static final String COLLECTION = "events";
  static final String ID = "_id";
  static final String TENANT_ID = "tenant_id";
  static final String TYPE = "type";
  static final String DEVICE_ID = "device_id";
  static final String TIME = "time";
  static final String TIME_TEXT = "time_text";
  static final String BODY = "body";
  static final String EXPIRE_AT = "expire_at";
  static final String DELIVERIES = "deliveries";
  static final String INTEGRATION_IDS = "integration_ids";
  static final String DUE_AT = "due_at";
  static final String LEASE_OWNER = "lease_owner";
  static final String LEASE_UNTIL = "lease_until";
  static final String CLAIM = "claim";
  static final String ATTEMPT_LOG = "attempt_log";

  static final String INTEGRATION_ID = "integration_id";
  static final String STATE = "state";
  static final String ATTEMPTS = "attempts";
  static final String STATUS_CODE = "status_code";
  static final String ERROR = "error";
  static final String NEXT_ATTEMPT_AT = "next_attempt_at";
  static final String RESPONSE_BODY = "response_body";

  private EventDocuments() {}

  static JsonObject toDocument(EventRecord record, Duration ttl, String leaseOwner, Instant leaseUntil) {
    Event event = record.event();
    JsonArray deliveries = new JsonArray();
    JsonArray integrationIds = new JsonArray();
    for (DeliveryStatus delivery : record.deliveries()) {
      deliveries.add(deliveryDocument(delivery));
      integrationIds.add(delivery.integrationId().toString());
    }
    JsonObject document = new JsonObject()
        .put(ID, event.id().toString())
        .put(TENANT_ID, event.tenantId())
        .put(TYPE, event.type().wireName())
        .put(DEVICE_ID, event.deviceId())
        .put(TIME, DocumentValues.date(event.time()))
        .put(TIME_TEXT, EventTime.format(event.time()))
        .put(BODY, event.body())
        .put(EXPIRE_AT, DocumentValues.date(event.time().plus(ttl)))
        .put(DELIVERIES, deliveries)
        .put(INTEGRATION_IDS, integrationIds);
    DeliveryStatus.dueAt(record.deliveries()).ifPresent(due -> document.put(DUE_AT, DocumentValues.date(due)));
    return document
        .put(LEASE_OWNER, leaseOwner)
        .put(LEASE_UNTIL, DocumentValues.date(leaseUntil));
  }

  static JsonObject deliveryDocument(DeliveryStatus delivery) {
    JsonObject document = new JsonObject()
        .put(INTEGRATION_ID, delivery.integrationId().toString())
        .put(STATE, delivery.state().wireName())
        .put(ATTEMPTS, delivery.attempts());
    delivery.statusCode().ifPresent(code -> document.put(STATUS_CODE, code));
    delivery.error().ifPresent(error -> document.put(ERROR, error));
    delivery.nextAttemptAt().ifPresent(next -> document.put(NEXT_ATTEMPT_AT, DocumentValues.date(next)));
    return document;
  }


  /**
   * Reads a stored event.
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
          : DocumentValues.requiredInstant(document, TIME);
      Event event = new Event(id, DocumentValues.requiredString(document, TENANT_ID), type,
          DocumentValues.requiredString(document, DEVICE_ID), time, DocumentValues.requiredString(document, BODY));
      JsonArray stored = document.getJsonArray(DELIVERIES, new JsonArray());
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
   * The update of one delivery outcome: {@code $set} of each changed delivery by position (absent
   * optional fields {@code $unset}), {@code $push} of the attempt records, and the due time and lease
   * set or cleared. A released lease leaves the event claimable once due.
   */
  static JsonObject outcomeUpdate(DeliveryOutcome outcome) {
    JsonObject set = new JsonObject();
    JsonObject unset = new JsonObject();
    outcome.changed().forEach((index, status) -> {
      String prefix = DELIVERIES + "." + index + ".";
      set.put(prefix + STATE, status.state().wireName());
      set.put(prefix + ATTEMPTS, status.attempts());
      if (status.statusCode().isPresent()) {
        set.put(prefix + STATUS_CODE, status.statusCode().get());
      } else {
        unset.put(prefix + STATUS_CODE, "");
      }
      if (status.error().isPresent()) {
        set.put(prefix + ERROR, status.error().get());
      } else {
        unset.put(prefix + ERROR, "");
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

  static List<Attempt> attemptsFrom(JsonObject document) {
    JsonArray stored = document.getJsonArray(ATTEMPT_LOG, new JsonArray());
    List<Attempt> attempts = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      JsonObject a = stored.getJsonObject(i);
      attempts.add(new Attempt(DocumentValues.requiredUuid(a, INTEGRATION_ID),
          DocumentValues.optionalInt(a, "attempt").orElse(0), DocumentValues.requiredInstant(a, TIME),
          DocumentValues.optionalInt(a, STATUS_CODE), DocumentValues.optionalString(a, ERROR),
          a.getValue("duration_ms") instanceof Number n ? n.longValue() : 0L,
          AttemptTrigger.fromWire(DocumentValues.optionalString(a, "trigger").orElse("auto")),
          DocumentValues.optionalString(a, RESPONSE_BODY)));
    }
    return attempts;
  }

  static DeliveryStatus deliveryFrom(JsonObject document) {
    return new DeliveryStatus(
        DocumentValues.requiredUuid(document, INTEGRATION_ID),
        DeliveryState.fromWire(DocumentValues.requiredString(document, STATE)),
        DocumentValues.optionalInt(document, ATTEMPTS).orElse(0),
        DocumentValues.optionalInt(document, STATUS_CODE),
        DocumentValues.optionalString(document, ERROR),
        DocumentValues.optionalInstant(document, NEXT_ATTEMPT_AT));
  }
}
