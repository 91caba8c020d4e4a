package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of integration iot-manager knows. Only {@link #WEBHOOK} is delivered by this service. */
public enum Provider {
  WEBHOOK("webhook", CredentialType.HTTP),
  IOT_HUB("iot-hub", CredentialType.SAS),
  IOT_CORE("iot-core", CredentialType.AWS);

  private final String wireName;
  private final CredentialType credentialType;

  Provider(String wireName, CredentialType credentialType) {
    this.wireName = wireName;
    this.credentialType = credentialType;
  }

  public String wireName() {
    return wireName;
  }

  /** The only credentials type this provider accepts. */
  public CredentialType credentialType() {
    return credentialType;
  }

  public static Optional<Provider> fromWire(String name) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
  }
}
