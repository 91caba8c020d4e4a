package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.JsonText;

/** One device's part of an intake call: its id (at most {@link IdLimits#MAX_ID_BYTES} bytes) and the event's {@code data} as compact JSON. */
public record DeviceEventData(String deviceId, JsonText data) {
  public DeviceEventData {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new DomainValidationException("missing device ID");
    }
    IdLimits.check("device ID", deviceId);
    if (data == null) {
      throw new DomainValidationException("data: cannot be blank");
    }
  }
}
