package io.iotmanager.webhooks.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A device lifecycle event of one tenant. {@link #body()} is the exact webhook body: serialized once
 * at intake, then stored, signed and sent as these bytes on every attempt.
 */
public record Event(UUID id, String tenantId, EventType type, String deviceId, Instant time, String body) {
  public Event {
    if (id == null || tenantId == null || type == null || time == null || body == null) {
      throw new DomainValidationException("event: id, tenant, type, time and body are required");
    }
    if (deviceId == null || deviceId.isEmpty()) {
      throw new DomainValidationException("missing device ID");
    }
  }

  /** Builds the event and its body {@code {"id","type","data","time"}} in compact JSON. */
  public static Event create(UUID id, String tenantId, EventType type, String deviceId, JsonText data, Instant time) {
    String body = "{\"id\":\"" + id + "\",\"type\":\"" + type.wireName() + "\",\"data\":" + data.json()
        + ",\"time\":\"" + EventTime.format(time) + "\"}";
    return new Event(id, tenantId, type, deviceId, time, body);
  }

  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
