package io.iotmanager.webhooks.adapter.http.web;

import io.iotmanager.webhooks.domain.DomainValidationException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.buffer.Buffer;

/** The one configured ObjectMapper: unknown fields ignored, no type coercion, map keys sorted. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

  static {
    MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    MAPPER.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
  }

  /**
   * Writes webhook data as Go's encoding/json does, so bodies match iot-manager's byte for byte: map keys
   * sorted, and {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped as {@code \\u003c} and so on.
   */
  private static final ObjectWriter GO_STYLE = MAPPER.writer()
      .with(new GoCharacterEscapes());

  private static final class GoCharacterEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    GoCharacterEscapes() {
      escapes = CharacterEscapes.standardAsciiEscapesForJSON();
      escapes['<'] = CharacterEscapes.ESCAPE_CUSTOM;
      escapes['>'] = CharacterEscapes.ESCAPE_CUSTOM;
      escapes['&'] = CharacterEscapes.ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }

  private Json() {}

  /** Webhook {@code data} in compact JSON, escaped as Go's encoder escapes it. */
  public static String writeWebhookData(Object value) {
    try {
      return GO_STYLE.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * A body that is not JSON or has the wrong types: {@code malformed request body: <detail>}, a 400 like
   * every other invalid input.
   */
  public static DomainValidationException malformed(String detail) {
    return new DomainValidationException("malformed request body: " + detail);
  }

  /**
   * Parses a request body into {@code type}; a body that is not JSON (trailing data included) or has
   * wrong types is a 400.
   */
  public static <T> T read(Buffer body, Class<T> type) {
    if (body == null || body.length() == 0) {
      throw malformed("empty body");
    }
    try (JsonParser parser = MAPPER.createParser(body.getBytes())) {
      T value = MAPPER.readValue(parser, type);
      if (value == null) {
        throw malformed("null body");
      }
      if (parser.nextToken() != null) {
        throw malformed("unexpected data after the JSON value");
      }
      return value;
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? "" : fieldPath(e) + ": ";
      String why = e instanceof InvalidFormatException ? "invalid value" : "wrong type";
      throw malformed(field + why);
    } catch (JsonProcessingException e) {
      throw malformed(parserMessage(e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw malformed("unreadable body");
    }
  }

  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse", e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** The parser's reason without its source location (which Jackson may put in the "original" message). */
  public static String parserMessage(String message) {
    if (message == null || message.isBlank()) {
      return "invalid JSON";
    }
    String text = message;
    for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
      int at = text.indexOf(cut);
      if (at > 0) {
        text = text.substring(0, at);
      }
    }
    return text.strip();
  }

  private static String fieldPath(MismatchedInputException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
