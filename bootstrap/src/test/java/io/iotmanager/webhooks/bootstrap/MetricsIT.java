package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: Prometheus text with attempts by outcome, latency, backlog and intake counts; and,
 * on the same service (with {@code webhooks_disable_on_gone}), integration health end to end: shown by the
 * API and the metrics, a {@code 410} disabling the integration, events stored as skipped, enabling it
 * delivering them.
 */
class MetricsIT {
  @Test
  void countsIntakeAndAttemptsByOutcome() throws Exception {
    try (Receiver receiver = Receiver.start();
        TestService service = TestService.start(Map.of("webhooks_retry_schedule", "100ms",
            "webhooks_retry_jitter", "0", "webhooks_disable_on_gone", "true",
            "webhooks_poll_interval", "200ms", "webhooks_embedded_poll_interval", "200ms"))) {
      String token = TestService.userToken("metrics");
      HttpResponse<String> created = service.call("POST", TestService.MANAGEMENT + "/integrations", token,
          "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\""
              + receiver.url("/hook") + "\"}}}");
      assertEquals(201, created.statusCode(), created.body());
      receiver.respond(r -> r.body().contains("\"dev-fail\"") ? Receiver.Answer.status(500)
          : Receiver.Answer.status(200));
      assertEquals(202, service.call("DELETE", TestService.INTERNAL + "/tenants/metrics/devices/dev-ok", null, null)
          .statusCode());
      assertEquals(202, service.call("DELETE", TestService.INTERNAL + "/tenants/metrics/devices/dev-fail", null,
          null).statusCode());

      String text = Awaitility.await("a delivered and a failed attempt in the metrics")
          .atMost(Duration.ofSeconds(20))
          .until(() -> service.call("GET", "/metrics", null, null).body(),
              t -> value(t, "webhook_attempts_total\\{outcome=\"failed\"\\}") >= 1
                  && value(t, "webhook_attempts_total\\{outcome=\"delivered\"\\}") >= 1
                  // the duration is recorded beside the counter, not with it: wait for all three
                  && value(t, "webhook_attempt_duration_seconds_count") >= 3);
      assertEquals(1.0, value(text, "webhook_attempts_total\\{outcome=\"delivered\"\\}"), text);
      assertEquals(1.0, value(text, "webhook_attempts_total\\{outcome=\"retry\"\\}"), text);
      assertEquals(1.0, value(text, "webhook_attempts_total\\{outcome=\"failed\"\\}"), text);
      assertEquals(2.0, value(text, "webhook_intake_events_total"), text);
      assertEquals(3.0, value(text, "webhook_attempt_duration_seconds_count"), text);
      assertTrue(text.contains("webhook_pending_backlog"), text);
      assertTrue(text.contains("webhook_attempt_duration_seconds_bucket{le="), text);
      // the two events and their two outcomes, at least; the store's own start-up writes come on top
      assertTrue(value(text, "webhook_store_document_writes_total") >= 4, text);
      assertTrue(value(text, "webhook_store_commands_total\\{command=\"insert\"\\}") >= 2, text);

      // Health: the last attempt (dev-fail's retry) failed.
      String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
      String integration = TestService.MANAGEMENT + "/integrations/" + id;
      String tags = "\\{integration_id=\"" + id + "\",tenant_id=\"metrics\"\\}";
      Awaitility.await("the health written").atMost(Duration.ofSeconds(20)).until(() ->
          new JsonObject(service.call("GET", integration, token, null).body()).getJsonObject("health") != null);
      JsonObject health = new JsonObject(service.call("GET", integration, token, null).body()).getJsonObject("health");
      assertEquals("failing", health.getString("status"), health.encode());
      assertTrue(health.getInteger("consecutive_failures") >= 1, health.encode());
      assertTrue(health.containsKey("last_failure_at") && health.containsKey("failing_since"), health.encode());
      String failing = service.call("GET", "/metrics", null, null).body();
      assertTrue(value(failing, "webhook_integration_transitions_total\\{transition=\"failing\"\\}") >= 1, failing);
      assertTrue(value(failing, "webhook_integration_consecutive_failures" + tags) >= 1, failing);

      // A 410 disables it (webhooks_disable_on_gone); the next event is stored as skipped, not attempted.
      receiver.respond(r -> r.body().contains("\"dev-gone\"") ? Receiver.Answer.status(410)
          : Receiver.Answer.status(200));
      assertEquals(202, service.call("DELETE", TestService.INTERNAL + "/tenants/metrics/devices/dev-gone", null,
          null).statusCode());
      Awaitility.await("disabled").atMost(Duration.ofSeconds(20)).until(() ->
          service.call("GET", integration, token, null).body().contains("\"status\":\"disabled\""));
      assertEquals(202, service.call("DELETE", TestService.INTERNAL + "/tenants/metrics/devices/dev-later", null,
          null).statusCode());
      String events = TestService.MANAGEMENT + "/events?integration_id=" + id;
      assertTrue(service.call("GET", events, token, null).body().contains("\"state\":\"skipped\""));
      assertTrue(receiver.received().stream().noneMatch(r -> r.body().contains("\"dev-later\"")));

      // Enabling delivers it.
      HttpResponse<String> enabled = service.call("POST", integration + "/enable", token, null);
      assertEquals(200, enabled.statusCode(), enabled.body());
      assertEquals("{\"queued\":1}", enabled.body());
      Awaitility.await("the skipped event delivered").atMost(Duration.ofSeconds(20)).until(() ->
          receiver.received().stream().anyMatch(r -> r.body().contains("\"dev-later\"")));
      String after = Awaitility.await("the transitions counted").atMost(Duration.ofSeconds(20))
          .until(() -> service.call("GET", "/metrics", null, null).body(),
              t -> value(t, "webhook_integration_transitions_total\\{transition=\"enabled\"\\}") == 1.0
                  && value(t, "webhook_integration_disabled" + tags) == 0.0);
      assertEquals(1.0, value(after, "webhook_integration_transitions_total\\{transition=\"disabled\"\\}"), after);
      Awaitility.await("healthy").atMost(Duration.ofSeconds(20)).until(() ->
          service.call("GET", integration, token, null).body().contains("\"status\":\"healthy\""));

      // Deleting it ends its gauges: no alert on a failing or disabled integration that is gone.
      assertTrue(service.call("GET", "/metrics", null, null).body().contains("integration_id=\"" + id + "\""));
      assertEquals(204, service.call("DELETE", integration, token, null).statusCode());
      Awaitility.await("the deleted integration's gauges gone").atMost(Duration.ofSeconds(20)).until(() ->
          !service.call("GET", "/metrics", null, null).body().contains(id));
    }
  }

  private static double value(String text, String metric) {
    Matcher m = Pattern.compile("(?m)^" + metric + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
