package io.iotmanager.webhooks.bootstrap;

import static io.iotmanager.webhooks.bootstrap.Webhooks.await;
import static io.iotmanager.webhooks.bootstrap.Webhooks.createWebhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first events after start-up (a fresh jar on the test store: the real MongoDB of
 * {@code IOT_MANAGER_MONGO_URL} when set, else the embedded store): 100 single provisions sent one after
 * another as soon as the service is ready and has an integration arrive once each, through the
 * in-process hand-off from intake (the poll for due work is set to ten minutes, so an event left to it
 * would not arrive in time). The start-up warm-up (a rehearsal service driven through its API) runs
 * before the service is ready and leaves no trace: no access-log or attempt line, no event or attempt
 * counted, nothing stored, its temporary directory deleted.
 *
 * <p>How fast they arrive is the benchmark's business ({@code bench/run.sh}, cold-start figures), not a
 * timed assertion here; the test writes each event's time to first attempt (the receiver's arrival minus
 * the moment the 202 came back) to {@code target/cold-start/} and its summary to the test output.
 */
class ColdStartIT {
  private static final int EVENTS = 100;
  private static final Pattern DEVICE = Pattern.compile("cold-(\\d+)");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(300)
  void theFirstHundredEventsAfterStartUpArriveOnceEachThroughTheHandOff() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<Path> rehearsalsBefore = rehearsalDirectories(tmp);
    try (Receiver receiver = Receiver.start();
         TestService service = TestService.start(Map.of("webhooks_poll_interval", "10m",
             "webhooks_embedded_poll_interval", "10m", "webhooks_warm_up", "5s"))) {
      // the warm-up ran before the port opened: logged once, and nothing of it counted or logged per request
      String startLog = service.jar.output();
      assertTrue(startLog.contains("warmed up in"), startLog);
      assertTrue(startLog.matches("(?s).*stored [1-9][0-9]* events and POSTed [1-9][0-9]* webhooks.*"),
          "the rehearsal's events went the whole way:\n" + startLog);
      assertFalse(startLog.contains("warm-up"), "no access-log or attempt line of the warm-up:\n" + startLog);
      assertFalse(startLog.contains("/management/"), "no access-log line of the rehearsal's management calls:\n"
          + startLog);
      assertEquals(rehearsalsBefore, rehearsalDirectories(tmp), "the rehearsal's directory is deleted");
      String metrics = service.call("GET", "/metrics", null, null).body();
      assertEquals(0.0, value(metrics, "webhook_intake_events_total"), metrics);
      assertFalse(metrics.contains("webhook_attempts_total{"), metrics);
      if (TestService.realMongo()) {
        assertNothingStored(service);
      }

      String tenant = "tenant-" + UUID.randomUUID();
      createWebhook(service, TestService.userToken(tenant), receiver.url("/hook"), "deadbeef");
      warmThisSide(receiver);

      URI provision = URI.create(service.url(TestService.INTERNAL + "/tenants/" + tenant + "/devices"));
      Instant[] answered = new Instant[EVENTS];
      for (int i = 0; i < EVENTS; i++) {
        HttpRequest request = HttpRequest.newBuilder(provision).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", "cold-" + i)
                .put("status", "pending").put("created_ts", "2024-01-01T00:00:00Z").encode()))
            .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        answered[i] = Instant.now();
        assertEquals(202, response.statusCode(), response.body());
      }

      await(Duration.ofSeconds(60), () -> EVENTS + " events at the receiver, got " + hooks(receiver).size(),
          () -> hooks(receiver).size() >= EVENTS);
      // and no more: each event once
      Webhooks.assertStays(Duration.ofSeconds(2), "no event arrives twice", () -> hooks(receiver).size() == EVENTS);

      List<Receiver.Received> got = hooks(receiver);
      Map<Integer, Instant> arrivals = new HashMap<>();
      for (Receiver.Received r : got) {
        JsonObject body = new JsonObject(r.body());
        assertEquals("device-provisioned", body.getString("type"), r.body());
        Matcher m = DEVICE.matcher(body.getJsonObject("data").getString("id"));
        assertTrue(m.matches(), r.body());
        assertEquals(null, arrivals.put(Integer.parseInt(m.group(1)), r.at()), "device arrived twice: " + r.body());
      }
      assertEquals(EVENTS, arrivals.size());
      assertEquals(EVENTS, got.stream().map(r -> r.headers().get("webhook-id")).distinct().count(),
          "one event id per event");

      report(service, answered, arrivals);
    }
  }

  /** The start-up rehearsals' temporary directories in {@code tmp} (those of other running services too). */
  private static Set<Path> rehearsalDirectories(Path tmp) throws Exception {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("iot-webhooks-warm-up-"))
          .collect(Collectors.toSet());
    }
  }

  /** The service's database holds no event and no integration (the embedded store admits no other client). */
  private static void assertNothingStored(TestService service) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      MongoClient raw = MongoClient.create(vertx, new JsonObject()
          .put("connection_string", System.getenv("IOT_MANAGER_MONGO_URL"))
          .put("db_name", service.config.mongoDbName()));
      assertEquals(0L, raw.count("log", new JsonObject()).await(30, TimeUnit.SECONDS), "events stored");
      assertEquals(0L, raw.count("integrations", new JsonObject()).await(30, TimeUnit.SECONDS),
          "integrations stored");
      raw.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The receiver's requests to the integration's path (not this test's own warm-up). */
  private static List<Receiver.Received> hooks(Receiver receiver) {
    return receiver.received().stream().filter(r -> r.path().equals("/hook")).toList();
  }

  /** Warms this JVM's client and the receiver, so that their own first requests do not count. */
  private void warmThisSide(Receiver receiver) throws Exception {
    for (int i = 0; i < 200; i++) {
      http.send(HttpRequest.newBuilder(URI.create(receiver.url("/warm"))).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
    }
  }

  /** Time to first attempt of each event, in ms: to target/cold-start/ and a summary line on stdout. */
  private static void report(TestService service, Instant[] answered, Map<Integer, Instant> arrivals)
      throws Exception {
    double[] ttfa = new double[answered.length];
    StringBuilder lines = new StringBuilder("event ttfa_ms\n");
    for (int i = 0; i < answered.length; i++) {
      ttfa[i] = Duration.between(answered[i], arrivals.get(i)).toNanos() / 1e6;
      lines.append(i).append(' ').append(String.format(Locale.ROOT, "%.2f", ttfa[i])).append('\n');
    }
    double[] sorted = ttfa.clone();
    Arrays.sort(sorted);
    String store = TestService.realMongo() ? "mongo" : "embedded";
    String summary = String.format(Locale.ROOT, "cold start (%s): time to first attempt of the first %d events: "
            + "first %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms", store, ttfa.length, ttfa[0],
        sorted[(int) Math.ceil(0.50 * sorted.length) - 1], sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
        sorted[sorted.length - 1]);
    Path dir = Files.createDirectories(Path.of("target", "cold-start"));
    Files.writeString(dir.resolve(store + ".txt"), "# " + summary + "\n" + lines, StandardCharsets.UTF_8);
    System.out.println(summary);
    List<String> slow = new ArrayList<>();
    for (int i = 0; i < ttfa.length; i++) {
      if (ttfa[i] > 1000) {
        slow.add(i + ": " + Math.round(ttfa[i]) + " ms");
      }
    }
    if (!slow.isEmpty()) {
      System.out.println("events over Mender's 1 s for the first webhook (a busy machine?): " + slow);
    }
    assertTrue(service.jar.isAlive());
  }

  private static double value(String text, String metric) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
