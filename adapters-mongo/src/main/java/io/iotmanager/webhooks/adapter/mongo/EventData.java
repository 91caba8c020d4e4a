package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code data} field of an event in the Go service's form (docs/wire-contract.md A9): the device as in the webhook
 * body, with {@code created_ts} and {@code auth_sets[].ts} as BSON dates (the Go service's
 * {@code time.Time}); and back, the webhook body of an event the Go service wrote.
 */
final class EventData {
  static final String DEVICE_ID = "id";
  static final String CREATED_TS = "created_ts";
  static final String AUTH_SETS = "auth_sets";
  static final String TS = "ts";
  /** The device id of an event that has none (never written by either service). */
  static final String UNKNOWN_DEVICE = "unknown";

  private EventData() {}

  /** {@code data} of the event's body, as the Go service stores it. */
  static JsonObject toStored(Event event) {
    JsonObject data;
    try {
      data = new JsonObject(event.body()).getJsonObject("data");
    } catch (DecodeException | ClassCastException e) {
      throw new StoredDocumentException("the body of event " + event.id() + " is not a JSON object", e);
    }
    JsonObject stored = data == null ? new JsonObject().put(DEVICE_ID, event.deviceId()) : data.copy();
    toDate(stored, CREATED_TS);
    if (stored.getValue(AUTH_SETS) instanceof JsonArray authSets) {
      for (Object authSet : authSets) {
        if (authSet instanceof JsonObject set) {
          toDate(set, TS);
        }
      }
    }
    return stored;
  }

  private static void toDate(JsonObject object, String field) {
    if (object.getValue(field) instanceof String text) {
      try {
        object.put(field, DocumentValues.date(EventTime.parse(text)));
      } catch (DateTimeException e) {
        // not a time: kept as the text it is
      }
    }
  }

  static String deviceId(JsonObject data) {
    return data.getValue(DEVICE_ID) instanceof String id && !id.isEmpty() ? id : UNKNOWN_DEVICE;
  }

  /**
   * The webhook body the Go service sent for this event: {@code {"id","type","data","time"}}, compact,
   * dates in {@code data} as RFC 3339 text.
   */
  static String goBody(UUID id, EventType type, JsonObject data, Instant time) {
    return "{\"id\":\"" + id + "\",\"type\":\"" + type.wireName() + "\",\"data\":" + toJson(data).encode()
        + ",\"time\":\"" + EventTime.format(time) + "\"}";
  }

  private static Object toJsonValue(Object value) {
    if (value instanceof JsonObject object) {
      if (object.size() == 1 && object.containsKey(DocumentValues.DATE)) {
        return DocumentValues.optionalInstant(new JsonObject().put("v", object), "v").map(EventTime::format)
            .orElse(null);
      }
      if (object.containsKey(DocumentValues.BINARY)) {
        return DocumentValues.binaryValue(object).map(bytes -> java.util.Base64.getEncoder().encodeToString(bytes))
            .orElse(null);
      }
      return toJson(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(toJsonValue(item)));
      return copy;
    }
    return value;
  }

  private static JsonObject toJson(JsonObject object) {
    JsonObject copy = new JsonObject();
    for (Map.Entry<String, Object> field : object) {
      copy.put(field.getKey(), toJsonValue(field.getValue()));
    }
    return copy;
  }
}
