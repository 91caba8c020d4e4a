package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text with attempts by outcome, latency, backlog and intake counts. */
class MetricsIT {
  @Test
  void countsIntakeAndAttemptsByOutcome() throws Exception {
    try (Receiver receiver = Receiver.start();
        TestService service = TestService.start(Map.of("webhooks_retry_schedule", "100ms",
            "webhooks_retry_jitter", "0"))) {
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
    }
  }

  private static double value(String text, String metric) {
    Matcher m = Pattern.compile("(?m)^" + metric + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
