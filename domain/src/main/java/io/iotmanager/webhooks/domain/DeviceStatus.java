package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.Optional;

/** Authentication statuses of a device, as device-auth names them. */
public enum DeviceStatus {
  ACCEPTED("accepted"),
  NOAUTH("noauth"),
  PENDING("pending"),
  PREAUTHORIZED("preauthorized"),
  REJECTED("rejected"),
  DECOMMISSIONED("decommissioned");

  private final String wireName;

  DeviceStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<DeviceStatus> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }
}
