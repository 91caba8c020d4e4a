package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * Typed access to the values of a {@link JsonObject} document as the Vert.x client encodes them. A BSON
 * date is {@code {"$date": "<ISO-8601>"}} both ways (millisecond precision).
 */
final class DocumentValues {
  static final String DATE = "$date";

  private DocumentValues() {}

  /** The BSON date of {@code instant}, truncated to milliseconds by the store. */
  static JsonObject date(Instant instant) {
    return new JsonObject().put(DATE, Instant.ofEpochMilli(instant.toEpochMilli()).toString());
  }

  static Instant requiredInstant(JsonObject document, String field) {
    return optionalInstant(document, field)
        .orElseThrow(() -> new StoredDocumentException("field " + field + " is missing or not a date"));
  }

  static Optional<Instant> optionalInstant(JsonObject document, String field) {
    Object value = document.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof JsonObject object) {
      Object date = object.getValue(DATE);
      if (date instanceof String text) {
        try {
          return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
          throw new StoredDocumentException("field " + field + " is not a valid date", e);
        }
      }
      if (date instanceof Number millis) {
        return Optional.of(Instant.ofEpochMilli(millis.longValue()));
      }
    }
    throw new StoredDocumentException("field " + field + " is not a date");
  }

  static String requiredString(JsonObject document, String field) {
    if (document.getValue(field) instanceof String text) {
      return text;
    }
    throw new StoredDocumentException("field " + field + " is missing or not a string");
  }

  static Optional<String> optionalString(JsonObject document, String field) {
    Object value = document.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw new StoredDocumentException("field " + field + " is not a string");
  }

  static Optional<Integer> optionalInt(JsonObject document, String field) {
    Object value = document.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Number number) {
      return Optional.of(number.intValue());
    }
    throw new StoredDocumentException("field " + field + " is not a number");
  }

  static UUID requiredUuid(JsonObject document, String field) {
    String text = requiredString(document, field);
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new StoredDocumentException("field " + field + " is not a UUID", e);
    }
  }
}
