package io.iotmanager.webhooks.domain;

/** Where the delivery of one event to one integration stands. */
public enum DeliveryState {
  PENDING("pending"),
  DELIVERED("delivered"),
  FAILED("failed"),
  /** Not attempted because its integration was disabled; enabling it or a recovery sets it pending again. */
  SKIPPED("skipped");

  private final String wireName;

  DeliveryState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static DeliveryState fromWire(String name) {
    for (DeliveryState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new DomainValidationException("unknown delivery state: " + name);
  }
}
