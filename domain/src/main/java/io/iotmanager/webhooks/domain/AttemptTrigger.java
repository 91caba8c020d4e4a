package io.iotmanager.webhooks.domain;

/** Why an attempt was made: by the engine ({@code auto}) or a redelivery request ({@code manual}). */
public enum AttemptTrigger {
  AUTO("auto"),
  MANUAL("manual");

  private final String wireName;

  AttemptTrigger(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static AttemptTrigger fromWire(String name) {
    return "manual".equals(name) ? MANUAL : AUTO;
  }
}
