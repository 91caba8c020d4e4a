package io.iotmanager.webhooks.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code scopes} of an integration, as Mender Enterprise's UI sends them: which kinds of event it
 * receives. Every event this service takes in is a device lifecycle event, of scope {@link #DEVICEAUTH}.
 */
public enum IntegrationScope {
  DEVICEAUTH("deviceauth"),
  INVENTORY("inventory");

  /** The message of a 400 for {@code scopes} that are not a list of these values. */
  public static final String INVALID = "scopes: must be a list of deviceauth, inventory";

  private final String wireName;

  IntegrationScope(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<IntegrationScope> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }
}
