package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Webhooks.await;
import static io.iotmanager.webhooks.bootstrap.Webhooks.createWebhook;
import static io.iotmanager.webhooks.bootstrap.Webhooks.statusChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One receiver that never answers must not hold up deliveries to a healthy one: the slow host gets at
 * most its per-host share of attempts in flight, the healthy host keeps flowing. The two receivers are
 * different hosts for the engine ({@code 127.0.0.1} and {@code localhost}), as the limiter keys on the
 * URL's host.
 */
class IsolationIT {
  private static final int EVENTS = 200;
  /**
   * Configured below the default (128), so the test also shows that {@code webhooks_max_per_host} is applied.
   * The attempt timeout (10 s) outlasts the measurement, so no slow attempt times out and is replaced while
   * the receiver still counts its connection as open.
   */
  private static final int MAX_PER_HOST = 8;

  @Test
  void aTimingOutReceiverDoesNotHoldUpAHealthyOne() throws Exception {
    String slowTenant = "slow-" + UUID.randomUUID();
    String fastTenant = "fast-" + UUID.randomUUID();
    try (TestService service = TestService.start(Map.of("webhooks_timeout_seconds", "10",
            "webhooks_retry_schedule", "1s", "webhooks_retry_jitter", "0",
            "webhooks_max_per_host", Integer.toString(MAX_PER_HOST)));
        Receiver slow = Receiver.start("127.0.0.1");
        Receiver fast = Receiver.start("localhost")) {
      slow.respond(r -> Receiver.Answer.hanging());
      createWebhook(service, TestService.userToken(slowTenant), slow.url("/slow"), null);
      String fastToken = TestService.userToken(fastTenant);
      createWebhook(service, fastToken, fast.url("/fast"), null);

      statusChanged(service, slowTenant, "slow-dev-", EVENTS);
      await(Duration.ofSeconds(30), "the slow receiver saturated",
          () -> slow.hangingNow() >= MAX_PER_HOST);
      long start = System.nanoTime();
      statusChanged(service, fastTenant, "fast-dev-", EVENTS);
      await(Duration.ofSeconds(30), () -> "all " + EVENTS + " events at the healthy receiver, got "
          + fast.received().size(), () -> fast.received().size() >= EVENTS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      int slowSeen = slow.received().size();

      // Without the per-host bound all 200 slow attempts would be hanging at once.
      assertTrue(slow.maxHanging() <= MAX_PER_HOST,
          "at most " + MAX_PER_HOST + " attempts in flight to the slow host, saw " + slow.maxHanging());
      assertTrue(slowSeen < EVENTS, "the slow receiver is still timing out its first attempts (" + slowSeen
          + " seen) while the healthy one got all " + EVENTS + " in " + took);
      await(Duration.ofSeconds(30), "every healthy delivery recorded as delivered", () -> {
        HttpResponse<String> page = service.call("GET", TestService.MANAGEMENT + "/events?per_page=500",
            fastToken, null);
        JsonArray events = new JsonArray(page.body());
        return events.size() == EVENTS && events.stream().allMatch(e -> "delivered".equals(((JsonObject) e)
            .getJsonArray("delivery_statuses").getJsonObject(0).getString("state")));
      });
      assertEquals(EVENTS, fast.received().stream().map(r -> r.headers().get("webhook-id")).distinct().count(),
          "each healthy event once");

      // Let the queued slow attempts finish quickly so that stopping does not wait for them.
      slow.respond(r -> Receiver.Answer.status(200));
      slow.releaseHanging(200);
    }
  }
}
