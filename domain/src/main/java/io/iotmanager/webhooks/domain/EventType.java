package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.Optional;

/** The device lifecycle events Mender reports. */
public enum EventType {
  DEVICE_PROVISIONED("device-provisioned"),
  DEVICE_DECOMMISSIONED("device-decommissioned"),
  DEVICE_STATUS_CHANGED("device-status-changed");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<EventType> fromWire(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
