package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Webhooks.assertStays;
import static io.iotmanager.webhooks.bootstrap.Webhooks.attempts;
import static io.iotmanager.webhooks.bootstrap.Webhooks.await;
import static io.iotmanager.webhooks.bootstrap.Webhooks.awaitState;
import static io.iotmanager.webhooks.bootstrap.Webhooks.createWebhook;
import static io.iotmanager.webhooks.bootstrap.Webhooks.decommission;
import static io.iotmanager.webhooks.bootstrap.Webhooks.event;
import static io.iotmanager.webhooks.bootstrap.Webhooks.hex;
import static io.iotmanager.webhooks.bootstrap.Webhooks.hmacSha256;
import static io.iotmanager.webhooks.bootstrap.Webhooks.setCredentials;
import static io.iotmanager.webhooks.bootstrap.Webhooks.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine end to end: the service in-process over the test store (the real MongoDB of
 * {@code IOT_MANAGER_MONGO_URL} when set, else the embedded store), webhooks to a local receiver.
 * Retries are short and unjittered, so their spacing can be checked from the receiver's arrival times
 * (lower bounds exact, upper bounds generous).
 */
class DeliveryIT {
  /** Retries 300 ms apart, 1 s per attempt. */
  private static final Duration RETRY = Duration.ofMillis(300);
  /** Retries further apart than the engine's 1 s integrations cache, to see changes to the integration. */
  private static final Duration SLOW_RETRY = Duration.ofMillis(2500);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SECRET = "deadbeef";

  private static TestService service;
  private static TestService slowRetries;

  private Receiver receiver;
  private final String tenant = "tenant-" + UUID.randomUUID();
  private final String token = TestService.userToken(tenant);

  @BeforeAll
  static void startServices() throws Exception {
    List<TestService> both = TestService.startAll(List.of(
        Map.of("webhooks_retry_schedule", "300ms,300ms", "webhooks_retry_jitter", "0", "webhooks_timeout_seconds", "1"),
        Map.of("webhooks_retry_schedule", "2500ms,2500ms", "webhooks_retry_jitter", "0")));
    service = both.get(0);
    slowRetries = both.get(1);
  }

  @AfterAll
  static void stopServices() throws Exception {
    try (TestService a = service; TestService b = slowRetries) {
      // closed by try-with-resources
    }
  }

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = Receiver.start();
  }

  @AfterEach
  void stopReceiver() throws Exception {
    receiver.close();
  }

  /** Answers the n-th request (from 0) with {@code codes[n]}, the last code repeating. */
  private void answerInTurn(int... codes) {
    AtomicInteger n = new AtomicInteger();
    receiver.respond(r -> Receiver.Answer.status(codes[Math.min(n.getAndIncrement(), codes.length - 1)]));
  }

  private void awaitRequests(int count) throws Exception {
    await(WAIT, () -> count + " requests at the receiver, got " + receiver.received().size(),
        () -> receiver.received().size() >= count);
  }

  /** Fires one event to a new webhook of the tenant; returns the event id as the receiver saw it. */
  private String fireAndAwaitFirstRequest(TestService on, String url, String secret) throws Exception {
    createWebhook(on, token, url, secret);
    decommission(on, tenant, "dev-1");
    awaitRequests(1);
    return receiver.received().get(0).headers().get("webhook-id");
  }

  private static Duration between(Receiver.Received a, Receiver.Received b) {
    return Duration.between(a.at(), b.at());
  }

  @Test
  void failuresAreRetriedOnScheduleUntilDeliveredAndEveryAttemptIsLogged() throws Exception {
    answerInTurn(503, 500, 200);
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), SECRET);
    awaitRequests(3);

    List<Receiver.Received> got = receiver.received();
    for (int i = 1; i < 3; i++) {
      Duration gap = between(got.get(i - 1), got.get(i));
      assertTrue(gap.compareTo(RETRY.minusMillis(10)) >= 0, "attempt " + (i + 1) + " came too early: " + gap);
      assertTrue(gap.compareTo(Duration.ofSeconds(5)) < 0, "attempt " + (i + 1) + " came too late: " + gap);
    }
    JsonObject status = awaitState(service, token, id, "delivered", WAIT);
    assertEquals(3, status.getInteger("attempts"));
    assertEquals(true, status.getBoolean("success"));
    assertEquals(200, status.getInteger("status_code"));
    assertFalse(status.containsKey("error"), status.encode());
    assertFalse(status.containsKey("next_attempt_at"), status.encode());

    JsonArray attempts = attempts(service, token, id);
    assertEquals(3, attempts.size(), attempts.encode());
    int[] codes = {503, 500, 200};
    Instant previous = Instant.MIN;
    for (int i = 0; i < 3; i++) {
      JsonObject a = attempts.getJsonObject(i);
      assertEquals(i + 1, a.getInteger("attempt"), "oldest first: " + attempts.encode());
      assertEquals("auto", a.getString("trigger"));
      assertEquals(codes[i], a.getInteger("status_code"));
      assertEquals(status.getString("integration_id"), a.getString("integration_id"));
      assertTrue(a.getLong("duration_ms") >= 0, a.encode());
      Instant time = Instant.parse(a.getString("time"));
      assertTrue(time.isAfter(previous), "attempt times ascend: " + attempts.encode());
      previous = time;
    }
    assertEquals("client: unexpected status code from API: 503", attempts.getJsonObject(0).getString("error"));
    assertEquals("client: unexpected status code from API: 500", attempts.getJsonObject(1).getString("error"));
    assertFalse(attempts.getJsonObject(2).containsKey("error"));

    HttpResponse<String> list = service.call("GET", TestService.MANAGEMENT + "/events", token, null);
    JsonObject listed = new JsonArray(list.body()).getJsonObject(0).getJsonArray("delivery_statuses")
        .getJsonObject(0);
    assertEquals("delivered", listed.getString("state"));
    assertEquals(3, listed.getInteger("attempts"));
  }

  @Test
  void everyAttemptCarriesTheSameBytesAndIdWithItsOwnTimestampAndValidSignatures() throws Exception {
    answerInTurn(500, 500, 200);
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), SECRET);
    awaitRequests(3);
    awaitState(service, token, id, "delivered", WAIT);

    JsonObject stored = event(service, token, id);
    byte[] key = HexFormat.of().parseHex(SECRET);
    List<Receiver.Received> got = receiver.received();
    for (Receiver.Received r : got) {
      assertEquals(got.get(0).body(), r.body(), "the same bytes on every attempt");
      JsonObject body = new JsonObject(r.body());
      assertEquals(id, body.getString("id"));
      assertEquals("device-decommissioned", body.getString("type"));
      assertEquals(new JsonObject().put("id", "dev-1"), body.getJsonObject("data"));
      assertEquals(stored.getString("time"), body.getString("time"));
      Map<String, String> h = r.headers();
      assertEquals("application/json", h.get("content-type"));
      assertEquals("iot-webhooks/" + System.getProperty("iot.version"), h.get("user-agent"), "the jar's version");
      assertEquals("MEN-HMAC-SHA256-Payload", h.get("x-men-algorithm"));
      byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
      assertEquals(hex(hmacSha256(key, bytes)), h.get("x-men-signature"));
      assertEquals(id, h.get("webhook-id"));
      long timestamp = Long.parseLong(h.get("webhook-timestamp"));
      assertTrue(Math.abs(timestamp - r.at().getEpochSecond()) <= 2,
          "webhook-timestamp " + timestamp + " is the time of this attempt, " + r.at());
      byte[] signed = (id + "." + timestamp + "." + r.body()).getBytes(StandardCharsets.UTF_8);
      assertEquals("v1," + Base64.getEncoder().encodeToString(hmacSha256(key, signed)), h.get("webhook-signature"));
    }
  }

  @Test
  void withoutASecretOnlyTheUnsignedHeadersAreSent() throws Exception {
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), null);

    Map<String, String> h = receiver.received().get(0).headers();
    assertEquals(id, h.get("webhook-id"));
    assertNotNull(h.get("webhook-timestamp"));
    assertNull(h.get("x-men-signature"));
    assertNull(h.get("x-men-algorithm"));
    assertNull(h.get("webhook-signature"));
    awaitState(service, token, id, "delivered", WAIT);
  }

  @Test
  void anExhaustedScheduleFailsWithTheLastError() throws Exception {
    receiver.respond(r -> Receiver.Answer.status(500));
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), SECRET);

    JsonObject status = awaitState(service, token, id, "failed", WAIT);
    assertEquals(3, status.getInteger("attempts"));
    assertEquals(false, status.getBoolean("success"));
    assertEquals(500, status.getInteger("status_code"));
    assertEquals("client: unexpected status code from API: 500", status.getString("error"));
    assertFalse(status.containsKey("next_attempt_at"), status.encode());
    assertStays(RETRY.multipliedBy(3), "no attempt past the schedule", () -> receiver.received().size() == 3);
    assertEquals(3, attempts(service, token, id).size());
  }

  @Test
  void goneStopsAfterOneAttempt() throws Exception {
    receiver.respond(r -> Receiver.Answer.status(410));
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), null);

    JsonObject status = awaitState(service, token, id, "failed", WAIT);
    assertEquals(1, status.getInteger("attempts"));
    assertEquals(410, status.getInteger("status_code"));
    assertStays(RETRY.multipliedBy(3), "no retry after 410", () -> receiver.received().size() == 1);
  }

  @Test
  void aRedirectIsAFailedAttemptAndIsNotFollowed() throws Exception {
    receiver.respond(r -> r.path().equals("/original")
        ? new Receiver.Answer(307, Map.of("Location", receiver.url("/elsewhere")), false)
        : Receiver.Answer.status(200));
    String id = fireAndAwaitFirstRequest(service, receiver.url("/original"), null);

    JsonObject status = awaitState(service, token, id, "failed", WAIT);
    assertEquals(307, status.getInteger("status_code"));
    assertEquals("client: unexpected status code from API: 307", status.getString("error"));
    assertEquals(3, status.getInteger("attempts"), "retried like any failure");
    assertEquals(List.of("/original", "/original", "/original"),
        receiver.received().stream().map(Receiver.Received::path).toList());
  }

  @Test
  void aHangingReceiverTimesOutEachAttemptAndTheEventStaysRecorded() throws Exception {
    receiver.respond(r -> Receiver.Answer.hanging());
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), null);

    JsonObject pending = awaitState(service, token, id, "pending", WAIT);
    await(WAIT, "the first attempt's timeout recorded", () -> status(service, token, id).getInteger("attempts") >= 1);
    JsonObject afterFirst = status(service, token, id);
    assertTrue(afterFirst.getString("error", "").contains("context deadline exceeded"), afterFirst.encode());
    assertNotNull(pending.getString("integration_id"));

    JsonObject status = awaitState(service, token, id, "failed", WAIT);
    assertEquals(3, status.getInteger("attempts"));
    assertFalse(status.containsKey("status_code"), status.encode());
    assertTrue(status.getString("error").contains("context deadline exceeded"), status.encode());
    List<Receiver.Received> got = receiver.received();
    assertEquals(3, got.size());
    Duration spacing = Duration.ofSeconds(1).plus(RETRY).minusMillis(250);
    assertTrue(between(got.get(0), got.get(1)).compareTo(spacing) >= 0, "timeout, then the scheduled delay");
    assertTrue(between(got.get(1), got.get(2)).compareTo(spacing) >= 0, "timeout, then the scheduled delay");
    for (Object o : attempts(service, token, id)) {
      JsonObject a = (JsonObject) o;
      assertTrue(a.getLong("duration_ms") >= 900, a.encode());
      assertTrue(a.getString("error").contains("context deadline exceeded"), a.encode());
    }
  }

  @Test
  void redeliverySendsTheSameEventAgainAsAManualAttempt() throws Exception {
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), SECRET);
    JsonObject delivered = awaitState(service, token, id, "delivered", WAIT);
    String integrationId = delivered.getString("integration_id");

    HttpResponse<String> again = service.call("POST", TestService.MANAGEMENT + "/events/" + id + "/redeliver", token,
        null);
    assertEquals(202, again.statusCode(), again.body());
    awaitRequests(2);
    // A manual attempt is numbered from the stored count: wait until the first one is recorded.
    await(WAIT, "the first manual attempt logged", () -> attempts(service, token, id).size() == 2);
    HttpResponse<String> toOne = service.call("POST", TestService.MANAGEMENT + "/events/" + id + "/redeliver", token,
        new JsonObject().put("integration_id", integrationId).encode());
    assertEquals(202, toOne.statusCode(), toOne.body());
    awaitRequests(3);

    List<Receiver.Received> got = receiver.received();
    for (Receiver.Received r : got) {
      assertEquals(id, r.headers().get("webhook-id"));
      assertEquals(got.get(0).body(), r.body());
    }
    await(WAIT, "three attempts logged", () -> attempts(service, token, id).size() == 3);
    JsonArray attempts = attempts(service, token, id);
    assertEquals(List.of("auto", "manual", "manual"),
        attempts.stream().map(o -> ((JsonObject) o).getString("trigger")).toList());
    assertEquals(List.of(1, 2, 3), attempts.stream().map(o -> ((JsonObject) o).getInteger("attempt")).toList());
    JsonObject status = status(service, token, id);
    assertEquals("delivered", status.getString("state"));
    assertEquals(3, status.getInteger("attempts"));
  }

  @Test
  void redeliveryOfAFailedEventCanDeliverIt() throws Exception {
    receiver.respond(r -> Receiver.Answer.status(410));
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), null);
    awaitState(service, token, id, "failed", WAIT);
    receiver.respond(r -> Receiver.Answer.status(204));

    HttpResponse<String> again = service.call("POST", TestService.MANAGEMENT + "/events/" + id + "/redeliver", token,
        "{}");
    assertEquals(202, again.statusCode(), again.body());

    JsonObject status = awaitState(service, token, id, "delivered", WAIT);
    assertEquals(2, status.getInteger("attempts"));
    assertEquals(204, status.getInteger("status_code"));
    assertFalse(status.containsKey("error"), status.encode());
  }

  @Test
  void redeliveryAndAttemptsOfUnknownOrForeignEventsAreNotFound() throws Exception {
    String id = fireAndAwaitFirstRequest(service, receiver.url("/hook"), null);
    awaitState(service, token, id, "delivered", WAIT);
    String stranger = TestService.userToken("tenant-" + UUID.randomUUID());
    String base = TestService.MANAGEMENT + "/events/";

    assertEquals(404, service.call("POST", base + UUID.randomUUID() + "/redeliver", token, null).statusCode());
    assertEquals(404, service.call("POST", base + id + "/redeliver", stranger, null).statusCode());
    assertEquals(404, service.call("POST", base + id + "/redeliver", token,
        new JsonObject().put("integration_id", UUID.randomUUID().toString()).encode()).statusCode());
    assertEquals(404, service.call("GET", base + UUID.randomUUID() + "/attempts", token, null).statusCode());
    assertEquals(404, service.call("GET", base + id + "/attempts", stranger, null).statusCode());
    assertEquals(404, service.call("GET", base + id, stranger, null).statusCode());
    HttpResponse<String> notUuid = service.call("POST", base + "nope/redeliver", token, null);
    assertEquals(400, notUuid.statusCode());
    assertEquals("event ID is not a valid UUID", new JsonObject(notUuid.body()).getString("error"));
    HttpResponse<String> badIntegration = service.call("POST", base + id + "/redeliver", token,
        "{\"integration_id\":\"nope\"}");
    assertEquals(400, badIntegration.statusCode());
    assertStays(Duration.ofMillis(300), "nothing was sent again", () -> receiver.received().size() == 1);
  }

  @Test
  void changedCredentialsApplyToTheNextAttempt() throws Exception {
    receiver.respond(r -> r.path().equals("/old") ? Receiver.Answer.status(500) : Receiver.Answer.status(200));
    String integrationId = createWebhook(slowRetries, token, receiver.url("/old"), SECRET);
    decommission(slowRetries, tenant, "dev-1");
    awaitRequests(1);
    String id = receiver.received().get(0).headers().get("webhook-id");

    setCredentials(slowRetries, token, integrationId, receiver.url("/new"), "c0ffee");
    JsonObject pending = status(slowRetries, token, id);
    assertEquals("pending", pending.getString("state"), pending.encode());

    JsonObject status = awaitState(slowRetries, token, id, "delivered", WAIT);
    assertEquals(2, status.getInteger("attempts"));
    List<Receiver.Received> got = receiver.received();
    assertEquals(List.of("/old", "/new"), got.stream().map(Receiver.Received::path).toList());
    assertTrue(between(got.get(0), got.get(1)).compareTo(SLOW_RETRY.minusMillis(10)) >= 0);
    Receiver.Received second = got.get(1);
    assertEquals(hex(hmacSha256(HexFormat.of().parseHex("c0ffee"), second.body().getBytes(StandardCharsets.UTF_8))),
        second.headers().get("x-men-signature"), "signed with the new secret");
  }

  /** Verifies a request as a receiver holding only {@code secretHex} does, with the official library. */
  private static void verifyWith(String secretHex, Receiver.Received request) throws WebhookVerificationException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    request.headers().forEach((name, value) -> headers.put(name, List.of(value)));
    new Webhook(HexFormat.of().parseHex(secretHex)).verify(request.body(), headers);
  }

  private static void putCredentials(TestService on, String token, String id, String url, String secretHex,
      int previousSecretValidFor) throws Exception {
    JsonObject body = new JsonObject().put("type", "http")
        .put("http", new JsonObject().put("url", url).put("secret", secretHex))
        .put("previous_secret_valid_for", previousSecretValidFor);
    HttpResponse<String> put = on.call("PUT", TestService.MANAGEMENT + "/integrations/" + id + "/credentials", token,
        body.encode());
    assertEquals(204, put.statusCode(), put.body());
  }

  /**
   * Secret rotation over real HTTP: after the secret changed, each secret alone verifies a request with the
   * official Standard Webhooks library while the overlap lasts; once it has ended (here a one-second overlap
   * set on a later call) only the new secret does, and {@code X-Men-Signature} is the new secret's throughout.
   */
  @Test
  void duringASecretRotationEachSecretVerifiesUntilTheOverlapEnds() throws Exception {
    String integrationId = createWebhook(service, token, receiver.url("/hook"), SECRET);
    Instant putStarted = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    putCredentials(service, token, integrationId, receiver.url("/hook"), "c0ffee", 3600);
    Instant putAnswered = Instant.now();
    HttpResponse<String> shown = service.call("GET", TestService.MANAGEMENT + "/integrations/" + integrationId, token,
        null);
    JsonObject http = new JsonObject(shown.body()).getJsonObject("credentials").getJsonObject("http");
    assertEquals("<omitted>", http.getString("secret"));
    Instant validUntil = Instant.parse(http.getString("previous_secret_valid_until"));
    assertFalse(validUntil.isBefore(putStarted.plusSeconds(3600)) || validUntil.isAfter(putAnswered.plusSeconds(3600)),
        validUntil + " should be an hour after the change");

    decommission(service, tenant, "dev-1");
    awaitRequests(1);
    Receiver.Received during = receiver.received().get(0);
    verifyWith("c0ffee", during);
    verifyWith(SECRET, during);
    assertEquals(2, during.headers().get("webhook-signature").split(" ").length, during.headers().toString());
    assertEquals(hex(hmacSha256(HexFormat.of().parseHex("c0ffee"), during.body().getBytes(StandardCharsets.UTF_8))),
        during.headers().get("x-men-signature"), "X-Men-Signature: the new secret only");

    putCredentials(service, token, integrationId, receiver.url("/hook"), "c0ffee", 1); // the overlap ends in 1 s
    // counted from when the call was answered: the service took its "now" before that, never after
    Instant end = Instant.now().plusSeconds(1);
    await(WAIT, "the end of the overlap", () -> Instant.now().isAfter(end));
    decommission(service, tenant, "dev-2");
    awaitRequests(2);
    Receiver.Received after = receiver.received().get(1);
    verifyWith("c0ffee", after);
    assertThrows(WebhookVerificationException.class, () -> verifyWith(SECRET, after));
    assertEquals(1, after.headers().get("webhook-signature").split(" ").length);
    assertEquals(hex(hmacSha256(HexFormat.of().parseHex("c0ffee"), after.body().getBytes(StandardCharsets.UTF_8))),
        after.headers().get("x-men-signature"));
  }

  @Test
  void deletingTheIntegrationStopsPendingRetries() throws Exception {
    receiver.respond(r -> Receiver.Answer.status(500));
    String integrationId = createWebhook(slowRetries, token, receiver.url("/hook"), null);
    decommission(slowRetries, tenant, "dev-1");
    awaitRequests(1);
    String id = receiver.received().get(0).headers().get("webhook-id");
    await(WAIT, "the first attempt recorded", () -> status(slowRetries, token, id).getInteger("attempts") == 1);

    HttpResponse<String> deleted = slowRetries.call("DELETE", TestService.MANAGEMENT + "/integrations/"
        + integrationId, token, null);
    assertEquals(204, deleted.statusCode());

    JsonObject status = awaitState(slowRetries, token, id, "failed", WAIT);
    assertEquals("integration deleted", status.getString("error"));
    assertEquals(1, status.getInteger("attempts"));
    assertEquals(1, receiver.received().size(), "no attempt after the deletion");
    assertEquals(1, attempts(slowRetries, token, id).size(), "the event and its attempt log are kept");
  }
}
