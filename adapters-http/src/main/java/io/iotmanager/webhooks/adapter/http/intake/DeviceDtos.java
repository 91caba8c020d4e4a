package io.iotmanager.webhooks.adapter.http.intake;

import io.iotmanager.webhooks.adapter.http.web.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.JsonText;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Map;

/**
 * Device bodies of the internal API (A4) and the event {@code data} they become: the posted device
 * fields named in A4, others dropped, absent ones omitted, serialized once in compact JSON.
 */
final class DeviceDtos {
  private DeviceDtos() {}

  record DeviceRequest(String id, @JsonProperty("device_id") String deviceId, String status,
      @JsonProperty("auth_sets") List<AuthSet> authSets, @JsonProperty("created_ts") String createdTs) {
    String effectiveId() {
      return id != null && !id.isEmpty() ? id : deviceId;
    }
  }

  record AuthSet(String id, @JsonProperty("device_id") String deviceId,
      @JsonProperty("identity_data") Map<String, Object> identityData, String pubkey, String status, String ts) {}

  /**
   * An auth set as the original writes it: every field but {@code ts} always present (an absent string
   * is {@code ""}, absent identity data is {@code null}), as Go's encoder writes a struct without
   * {@code omitempty}.
   */
  @JsonPropertyOrder({"id", "device_id", "identity_data", "pubkey", "status", "ts"})
  record AuthSetData(String id, @JsonProperty("device_id") String deviceId,
      @JsonProperty("identity_data") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> identityData,
      String pubkey, String status, @JsonInclude(JsonInclude.Include.NON_NULL) String ts) {
    static AuthSetData of(AuthSet posted) {
      if (posted == null) {
        return new AuthSetData("", "", null, "", "", null);
      }
      return new AuthSetData(orEmpty(posted.id()), orEmpty(posted.deviceId()), posted.identityData(),
          orEmpty(posted.pubkey()), orEmpty(posted.status()), time("ts", posted.ts()));
    }
  }

  @JsonPropertyOrder({"id", "status", "auth_sets", "created_ts"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeviceData(String id, String status, @JsonProperty("auth_sets") List<AuthSetData> authSets,
      @JsonProperty("created_ts") String createdTs) {}

  record StatusItem(String id, @JsonProperty("device_id") String deviceId) {
    String effectiveId() {
      return id != null && !id.isEmpty() ? id : deviceId;
    }
  }

  /** The {@code device-provisioned} data: the device as posted, known fields only. */
  static JsonText provisioned(DeviceRequest device) {
    List<AuthSetData> authSets = device.authSets() == null ? null : device.authSets().stream()
        .map(AuthSetData::of)
        .toList();
    return new JsonText(Json.writeWebhookData(new DeviceData(device.effectiveId(),
        device.status() == null || device.status().isEmpty() ? null : device.status(),
        authSets == null || authSets.isEmpty() ? null : authSets,
        time("created_ts", device.createdTs()))));
  }

  static JsonText idOnly(String deviceId) {
    return new JsonText(Json.writeWebhookData(new DeviceData(deviceId, null, null, null)));
  }

  static JsonText statusChanged(String deviceId, String status) {
    return new JsonText(Json.writeWebhookData(new DeviceData(deviceId, status, null, null)));
  }

  /** RFC 3339 with the fraction's trailing zeros dropped and a non-zero offset kept, as Go writes it. */
  private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .appendOffset("+HH:MM", "Z")
      .toFormatter();

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** Normalizes an RFC 3339 time as Go's encoder writes it (offset kept, trailing zeros dropped). */
  private static String time(String field, String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(text);
      if (t.getOffset().equals(ZoneOffset.UTC)) {
        return EventTime.format(t.toInstant());
      }
      return WITH_OFFSET.format(t);
    } catch (DateTimeParseException e) {
      throw Json.malformed(field + ": not an RFC 3339 time");
    }
  }
}
