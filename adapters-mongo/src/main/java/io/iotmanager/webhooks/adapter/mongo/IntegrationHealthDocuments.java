package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.json.JsonObject;

/**
 * An integration's delivery health, kept in its document in {@value IntegrationDocuments#COLLECTION} as
 * one field of ours beside the Go service's (its driver ignores fields it does not know; our own
 * credentials updates {@code $set} the credentials only, so the health stays):
 * <pre>{@code
 * health: {consecutive_failures: <int>, last_success_at?: <Date>, last_failure_at?: <Date>,
 *          failing_since?: <Date>, disabled_at?: <Date>, disabled_reason?: "<text>"}
 * }</pre>
 * A document without it (never attempted, or written by the Go service) reads as
 * {@link IntegrationHealth#NONE}.
 */
final class IntegrationHealthDocuments {
  static final String HEALTH = "health";
  static final String CONSECUTIVE_FAILURES = "consecutive_failures";
  static final String LAST_SUCCESS_AT = "last_success_at";
  static final String LAST_FAILURE_AT = "last_failure_at";
  static final String FAILING_SINCE = "failing_since";
  static final String DISABLED_AT = "disabled_at";
  static final String DISABLED_REASON = "disabled_reason";

  private IntegrationHealthDocuments() {}

  static IntegrationHealth fromDocument(JsonObject integration) {
    if (!(integration.getValue(HEALTH) instanceof JsonObject h)) {
      return IntegrationHealth.NONE;
    }
    return new IntegrationHealth(Math.max(0, DocumentValues.optionalInt(h, CONSECUTIVE_FAILURES).orElse(0)),
        DocumentValues.optionalInstant(h, LAST_SUCCESS_AT), DocumentValues.optionalInstant(h, LAST_FAILURE_AT),
        DocumentValues.optionalInstant(h, FAILING_SINCE), DocumentValues.optionalInstant(h, DISABLED_AT),
        DocumentValues.optionalString(h, DISABLED_REASON));
  }

  /**
   * The update of one batch's change (see {@link HealthChange}): with a success in the batch the count and
   * {@code failing_since} are set, else the count is incremented and {@code failing_since} kept unless
   * absent ({@code $min}); the last success and failure only move forward ({@code $max}).
   */
  static JsonObject update(HealthChange change) {
    JsonObject set = new JsonObject();
    JsonObject unset = new JsonObject();
    JsonObject max = new JsonObject();
    JsonObject min = new JsonObject();
    JsonObject inc = new JsonObject();
    if (change.lastSuccessAt().isPresent()) {
      set.put(path(CONSECUTIVE_FAILURES), change.failures());
      max.put(path(LAST_SUCCESS_AT), DocumentValues.date(change.lastSuccessAt().get()));
      if (change.failingSince().isPresent()) {
        set.put(path(FAILING_SINCE), DocumentValues.date(change.failingSince().get()));
      } else {
        unset.put(path(FAILING_SINCE), "");
      }
    } else {
      inc.put(path(CONSECUTIVE_FAILURES), change.failures());
      change.failingSince().ifPresent(at -> min.put(path(FAILING_SINCE), DocumentValues.date(at)));
    }
    change.lastFailureAt().ifPresent(at -> max.put(path(LAST_FAILURE_AT), DocumentValues.date(at)));
    if (change.disabledAt().isPresent()) {
      min.put(path(DISABLED_AT), DocumentValues.date(change.disabledAt().get()));
      set.put(path(DISABLED_REASON), change.disabledReason().orElse("disabled"));
    }
    JsonObject update = new JsonObject();
    put(update, "$set", set);
    put(update, "$unset", unset);
    put(update, "$max", max);
    put(update, "$min", min);
    put(update, "$inc", inc);
    return update;
  }

  /** Enabled again: not disabled, the failures in a row counted afresh. */
  static JsonObject enable() {
    return new JsonObject()
        .put("$set", new JsonObject().put(path(CONSECUTIVE_FAILURES), 0))
        .put("$unset", new JsonObject().put(path(DISABLED_AT), "").put(path(DISABLED_REASON), "")
            .put(path(FAILING_SINCE), ""));
  }

  private static String path(String field) {
    return HEALTH + "." + field;
  }

  private static void put(JsonObject update, String operator, JsonObject fields) {
    if (!fields.isEmpty()) {
      update.put(operator, fields);
    }
  }
}
