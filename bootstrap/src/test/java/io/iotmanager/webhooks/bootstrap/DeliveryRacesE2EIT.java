package io.iotmanager.webhooks.bootstrap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery while integrations change and requests race, through the fat jar on the store the run uses
 * (embedded by default, MongoDB with {@code IOT_MANAGER_MONGO_URL}): every attempt goes to the current
 * URL with the current secret, also when the change is made on another instance; the integration limit
 * holds under parallel creates; parallel redeliveries are numbered without gaps; a redelivery to a deleted
 * integration is a 409; a redelivery on one of two instances waits for the other's attempt in flight; a 2xx whose body trickles is one delivered attempt with the body's start kept.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DeliveryRacesE2EIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration DELIVER = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;
  @TempDir
  static Path sharedDir;
  /**
   * The one instance of the single-instance scenarios: they use tenants of their own, so they share it
   * (one start instead of four).
   */
  static JarProcess single;

  @BeforeAll
  static void startSingle() throws Exception {
    single = JarProcess.start(env(false, sharedDir), List.of(), sharedDir).awaitAlive(START);
  }

  @AfterAll
  static void stopSingle() throws Exception {
    if (single != null) {
      single.close();
    }
  }

  /**
   * At most four connections per instance: the creates stay parallel for the service (its pool queues
   * them), but CI's MongoDB runs under Wine, where dozens of simultaneous conflicting writes on one
   * document have crashed it (an access violation in the emulation, not a MongoDB behaviour).
   */
  private static String fewConnections(String url) {
    return url + (url.contains("?") ? "&" : "/?") + "maxPoolSize=4";
  }

  private static Map<String, String> env(boolean mongo, Path dir) {
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "1s,1s,1s");
    env.put("IOT_MANAGER_MAX_INTEGRATIONS_PER_TENANT", "1");
    if (mongo) {
      env.put("IOT_MANAGER_MONGO_URL", fewConnections(System.getenv("IOT_MANAGER_MONGO_URL")));
      env.put("IOT_MANAGER_MONGO_DBNAME", "races_" + java.util.UUID.randomUUID().toString().replace("-", ""));
    } else if (TestService.realMongo() && !TestService.mongoUnderWine()) {
      // one instance: the store of the run, but not CI's Wine-hosted MongoDB, which the parallel creates
      // and redeliveries below crash (TestService.mongoUnderWine)
      env.put("IOT_MANAGER_MONGO_URL", fewConnections(System.getenv("IOT_MANAGER_MONGO_URL")));
      env.put("IOT_MANAGER_MONGO_DBNAME", "races_" + java.util.UUID.randomUUID().toString().replace("-", ""));
    } else {
      env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    }
    return env;
  }

  @Test
  void everyAttemptGoesToTheCurrentUrlWithTheCurrentSecretOnOneInstance() throws Exception {
    try (Receiver receiver = Receiver.start()) {
      rotateFiftyTimes(single, single, receiver, "one");
    }
  }

  @Test
  void everyAttemptGoesToTheCurrentUrlWithTheCurrentSecretAcrossTwoInstances() throws Exception {
    assumeTrue(TestService.realMongo(), "needs a real MongoDB (IOT_MANAGER_MONGO_URL): two instances share it");
    Map<String, String> env = env(true, dir);
    // One after the other: two start-ups at once set up the same new database's collections and indexes
    // side by side, and that is what twice killed the Windows MongoDB under Wine in CI (both deaths in this
    // test's start-up). What is tested here begins once both are up.
    try (JarProcess a = JarProcess.start(env, List.of(), dir).awaitAlive(START);
        JarProcess b = JarProcess.start(env, List.of(), dir).awaitAlive(START);
        Receiver receiver = Receiver.start()) {
      rotateFiftyTimes(a, b, receiver, "two");
    }
  }

  /**
   * 50 rounds: change the URL and secret on {@code manager} (every tenth round: delete the integration
   * and create a new one), then at once an event through {@code intake}. No attempt of an event uses
   * the URL or secret of a round before the event's (a retry after a later change uses that later one),
   * and every request is signed with the secret of the URL's own round.
   */
  private static void rotateFiftyTimes(JarProcess manager, JarProcess intake, Receiver receiver, String tenant)
      throws Exception {
    String id = createWebhook(manager, tenant, receiver.url("/r0"), secret(0));
    Map<String, Integer> roundOfDevice = new HashMap<>();
    for (int round = 1; round <= 50; round++) {
      String url = receiver.url("/r" + round);
      if (round % 10 == 0) {
        assertEquals(204, JarApi.send(manager, "DELETE", TestService.MANAGEMENT + "/integrations/" + id,
            TestService.userToken(tenant), null).statusCode());
        id = createWebhook(manager, tenant, url, secret(round));
      } else {
        String body = new JsonObject().put("type", "http").put("http", new JsonObject().put("url", url)
            .put("secret", secret(round))).encode();
        HttpResponse<String> r = JarApi.send(manager, "PUT", TestService.MANAGEMENT + "/integrations/" + id
            + "/credentials", TestService.userToken(tenant), body);
        assertEquals(204, r.statusCode(), r.body());
      }
      String device = "dev-" + round;
      roundOfDevice.put(device, round);
      assertEquals(202, JarApi.bulkAccepted(intake, tenant, List.of(device)));
    }
    await().atMost(DELIVER).until(() -> JarApi.events(manager, tenant).size() == 50
        && !JarApi.states(manager, tenant).containsKey("pending"));

    assertTrue(deliveredDevices(receiver) >= 45, "nearly all arrive: " + deliveredDevices(receiver));
    for (Receiver.Received r : receiver.received()) {
      String device = new JsonObject(r.body()).getJsonObject("data").getString("id");
      int round = roundOfDevice.get(device);
      int used = Integer.parseInt(r.path().substring("/r".length()));
      assertTrue(used >= round, device + " (round " + round + ") went to the URL of earlier round " + used);
      assertEquals(hmacHex(secret(used), r.body()), r.headers().get("x-men-signature"),
          device + " was sent to round " + used + "'s URL with another round's secret");
    }
  }

  private static long deliveredDevices(Receiver receiver) {
    return receiver.received().stream().map(r -> new JsonObject(r.body()).getJsonObject("data").getString("id"))
        .distinct().count();
  }

  @Test
  void ofFiftyParallelCreatesExactlyTheLimitSucceeds() throws Exception {
    JarProcess jar = single;
    List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String body = new JsonObject().put("provider", "webhook").put("credentials", new JsonObject()
          .put("type", "http").put("http", new JsonObject().put("url", "http://127.0.0.1:9/h" + i))).encode();
      creates.add(HTTP.sendAsync(request(jar, "POST", "/integrations", "limit", body),
          HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> codes = creates.stream().map(f -> f.join().statusCode()).toList();

    assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
    assertEquals(49, codes.stream().filter(c -> c == 409).count(), codes.toString());
  }

  @Test
  void twentyParallelRedeliveriesAreNumberedTwoToTwentyOneAndADeletedIntegrationIsAConflict() throws Exception {
    JarProcess jar = single;
    try (Receiver receiver = Receiver.start()) {
      String tenant = "redeliver";
      String integration = JarApi.createWebhook(jar, tenant, receiver.url("/hook"));
      assertEquals(202, JarApi.bulkAccepted(jar, tenant, List.of("dev-1")));
      await().atMost(DELIVER).until(() -> attempts(jar, tenant).size() == 1);
      String event = JarApi.events(jar, tenant).get(0).getString("id");

      List<CompletableFuture<HttpResponse<String>>> redeliveries = IntStream.range(0, 20)
          .mapToObj(i -> HTTP.sendAsync(request(jar, "POST", "/events/" + event + "/redeliver", tenant, null),
              HttpResponse.BodyHandlers.ofString())).toList();
      assertTrue(redeliveries.stream().allMatch(f -> f.join().statusCode() == 202));
      await().atMost(DELIVER).until(() -> attempts(jar, tenant).size() >= 21
          && JarApi.events(jar, tenant).get(0).getJsonArray("delivery_statuses").getJsonObject(0)
              .getInteger("attempts") >= 21);

      List<Integer> numbers = attempts(jar, tenant).stream().map(a -> a.getInteger("attempt")).toList();
      assertEquals(IntStream.rangeClosed(1, 21).boxed().toList(), numbers);
      assertEquals(21, JarApi.events(jar, tenant).get(0).getJsonArray("delivery_statuses").getJsonObject(0)
          .getInteger("attempts"));
      assertEquals(21, receiver.received().size());

      assertEquals(204, JarApi.send(jar, "DELETE", TestService.MANAGEMENT + "/integrations/" + integration,
          TestService.userToken(tenant), null).statusCode());
      HttpResponse<String> refused = HTTP.send(request(jar, "POST", "/events/" + event + "/redeliver", tenant, null),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(409, refused.statusCode(), refused.body());
      JsonObject error = new JsonObject(refused.body());
      assertTrue(error.getString("error").contains("deleted"), refused.body());
      assertTrue(error.containsKey("request_id"));
      assertEquals(21, receiver.received().size(), "nothing sent");
    }
  }

  @Test
  void aRedeliveryOnAnotherInstanceRunsAfterTheAttemptInFlightThereNotBesideIt() throws Exception {
    assumeTrue(TestService.realMongo(), "needs a real MongoDB (IOT_MANAGER_MONGO_URL): two instances share it");
    Map<String, String> env = env(true, dir);
    env.put("IOT_MANAGER_WEBHOOKS_WARM_UP", "0s"); // not what is tested; saves two warm-ups
    Vertx vertx = Vertx.vertx();
    // each request: when it arrived and when its answer went out; the first is answered after 2 s
    List<long[]> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (JarProcess a = JarProcess.start(env, List.of(), dir).awaitAlive(START);
        JarProcess b = JarProcess.start(env, List.of(), dir).awaitAlive(START)) {
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        long[] times = {System.nanoTime(), 0};
        boolean first = requests.isEmpty();
        requests.add(times);
        vertx.setTimer(first ? 2000 : 1, t -> {
          times[1] = System.nanoTime();
          req.response().setStatusCode(200).end();
        });
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      String tenant = "redeliver-two";
      JarApi.createWebhook(a, tenant, "http://127.0.0.1:" + server.actualPort() + "/hook");
      assertEquals(202, JarApi.bulkAccepted(a, tenant, List.of("dev-1"))); // a holds it and attempts it
      await().atMost(DELIVER).until(() -> !requests.isEmpty());
      String event = JarApi.events(b, tenant).get(0).getString("id");

      HttpResponse<String> accepted = HTTP.send(request(b, "POST", "/events/" + event + "/redeliver", tenant, null),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(202, accepted.statusCode(), accepted.body());
      await().atMost(DELIVER).until(() -> attempts(b, tenant).size() == 2);

      assertEquals(2, requests.size());
      assertTrue(requests.get(1)[0] >= requests.get(0)[1], "the redelivery arrived "
          + (requests.get(0)[1] - requests.get(1)[0]) / 1_000_000 + " ms before the first attempt was answered");
      List<JsonObject> attempts = attempts(b, tenant);
      assertEquals(List.of(1, 2), attempts.stream().map(x -> x.getInteger("attempt")).toList());
      assertEquals(List.of("auto", "manual"), attempts.stream().map(x -> x.getString("trigger")).toList());
      assertEquals(2, JarApi.events(b, tenant).get(0).getJsonArray("delivery_statuses").getJsonObject(0)
          .getInteger("attempts"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReceiverThatAnswers200AndTricklesALargeBodyIsOneDeliveredAttemptWithTheBodysStartKept() throws Exception {
    Vertx vertx = Vertx.vertx();
    JarProcess jar = single;
    try {
      List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        received.add(b.toString());
        req.response().setChunked(true).setStatusCode(200).write("{\"accepted\":true,\"padding\":\""
            + "x".repeat(8192));
        // then a trickle, 1 KiB every 50 ms, far past the 2 s attempt timeout
        vertx.setPeriodic(50, t -> {
          if (req.response().ended() || req.response().closed()) {
            vertx.cancelTimer(t);
          } else {
            req.response().write("y".repeat(1024));
          }
        });
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      String tenant = "trickle";
      JarApi.createWebhook(jar, tenant, "http://127.0.0.1:" + server.actualPort() + "/hook");
      assertEquals(202, JarApi.bulkAccepted(jar, tenant, List.of("dev-1")));

      await().atMost(DELIVER).until(() -> "delivered".equals(JarApi.events(jar, tenant).get(0)
          .getJsonArray("delivery_statuses").getJsonObject(0).getString("state")));
      List<JsonObject> attempts = attempts(jar, tenant);
      assertEquals(1, attempts.size(), attempts.toString());
      assertEquals(200, attempts.get(0).getInteger("status_code"));
      String kept = attempts.get(0).getString("response_body");
      assertEquals(4096, kept.length());
      assertTrue(kept.startsWith("{\"accepted\":true"), kept.substring(0, 40));
      assertEquals(1, received.size(), "sent once");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static List<JsonObject> attempts(JarProcess jar, String tenant) throws Exception {
    List<JsonObject> events = JarApi.events(jar, tenant);
    if (events.isEmpty()) {
      return List.of();
    }
    HttpResponse<String> r = JarApi.send(jar, "GET", TestService.MANAGEMENT + "/events/"
        + events.get(0).getString("id") + "/attempts", TestService.userToken(tenant), null);
    assertEquals(200, r.statusCode(), r.body());
    List<JsonObject> all = new ArrayList<>();
    new JsonArray(r.body()).forEach(o -> all.add((JsonObject) o));
    return all;
  }

  private static HttpRequest request(JarProcess jar, String method, String path, String tenant, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(TestService.MANAGEMENT + path)))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestService.userToken(tenant))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return b.build();
  }

  private static String createWebhook(JarProcess jar, String tenant, String url, String secret) throws Exception {
    String body = new JsonObject().put("provider", "webhook").put("credentials", new JsonObject()
        .put("type", "http").put("http", new JsonObject().put("url", url).put("secret", secret))).encode();
    HttpResponse<String> r = JarApi.send(jar, "POST", TestService.MANAGEMENT + "/integrations",
        TestService.userToken(tenant), body);
    assertEquals(201, r.statusCode(), r.body());
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static String secret(int round) {
    return String.format("%064x", round + 1);
  }

  private static String hmacHex(String secretHex, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(secretHex), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
