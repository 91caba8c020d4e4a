package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.Optional;

/** The {@code credentials.type} values of iot-manager. */
public enum CredentialType {
  HTTP("http"),
  SAS("sas"),
  AWS("aws");

  private final String wireName;

  CredentialType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<CredentialType> fromWire(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
