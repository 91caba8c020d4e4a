package io.iotmanager.webhooks.domain;

/**
 * A compact JSON value produced by an adapter (the domain does not parse JSON). Used for an event's
 * {@code data}, which is spliced verbatim into the webhook body.
 */
public record JsonText(String json) {
  public JsonText {
    if (json == null || json.isBlank()) {
      throw new DomainValidationException("data: cannot be blank");
    }
  }
}
