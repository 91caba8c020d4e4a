package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.JsonText;

/** One device's part of an intake call: its id and the event's {@code data} as compact JSON. */
public record DeviceEventData(String deviceId, JsonText data) {
  public DeviceEventData {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new DomainValidationException("missing device ID");
    }
    if (data == null) {
      throw new DomainValidationException("data: cannot be blank");
    }
  }
}
