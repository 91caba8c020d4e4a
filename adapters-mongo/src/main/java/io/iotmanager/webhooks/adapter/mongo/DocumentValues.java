package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * Typed access to the values of a {@link JsonObject} document as the Vert.x client encodes them. A BSON
 * date is {@code {"$date": "<ISO-8601>"}} both ways (millisecond precision); BSON binary data is
 * {@code {"$binary": <bytes>, "$type": <subtype>}}. A UUID is stored as iot-manager stores it: binary
 * subtype 4, the 16 bytes in their standard order.
 */
final class DocumentValues {
  static final String DATE = "$date";
  static final String BINARY = "$binary";
  static final String BINARY_TYPE = "$type";
  static final int SUBTYPE_GENERIC = 0;
  static final int SUBTYPE_UUID = 4;

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

  /** BinData subtype 0 holding {@code bytes}. */
  static JsonObject binary(byte[] bytes) {
    return new JsonObject().put(BINARY, bytes.clone()).put(BINARY_TYPE, SUBTYPE_GENERIC);
  }

  /** BinData subtype 4 holding {@code uuid} (standard byte order), as the Go service stores ids. */
  static JsonObject uuid(UUID uuid) {
    byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
    return new JsonObject().put(BINARY, bytes).put(BINARY_TYPE, SUBTYPE_UUID);
  }

  /**
   * {@link #uuid} for the filter and update documents of a bulk write, which vertx-mongo-client turns into
   * BSON through MongoDB's extended JSON (not through its codec, as everywhere else): the canonical
   * extended JSON of BinData subtype 4.
   */
  static JsonObject uuidForBulk(UUID uuid) {
    byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
    return new JsonObject().put(BINARY, new JsonObject()
        .put("base64", java.util.Base64.getEncoder().encodeToString(bytes)).put("subType", "04"));
  }

  /** The bytes of binary data of any subtype. */
  static Optional<byte[]> optionalBinary(JsonObject document, String field) {
    return binaryValue(document.getValue(field));
  }

  static Optional<byte[]> binaryValue(Object value) {
    if (value instanceof JsonObject object && object.containsKey(BINARY)) {
      Object bytes = object.getValue(BINARY);
      if (bytes instanceof byte[] raw) {
        return Optional.of(raw.clone());
      }
      try {
        return Optional.ofNullable(object.getBinary(BINARY));
      } catch (RuntimeException e) {
        throw new StoredDocumentException("a binary value cannot be read", e);
      }
    }
    return Optional.empty();
  }

  /**
   * A UUID stored as BinData subtype 4 (or 3, same bytes), or as the string form the previous version of
   * this service wrote.
   */
  static UUID requiredUuid(JsonObject document, String field) {
    return uuidValue(document.getValue(field), field);
  }

  static UUID uuidValue(Object value, String field) {
    if (value instanceof String text) {
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new StoredDocumentException("field " + field + " is not a UUID", e);
      }
    }
    Optional<byte[]> bytes = binaryValue(value);
    if (bytes.isPresent() && bytes.get().length == 16) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes.get());
      return new UUID(buffer.getLong(), buffer.getLong());
    }
    throw new StoredDocumentException("field " + field + " is missing or not a UUID");
  }
}
