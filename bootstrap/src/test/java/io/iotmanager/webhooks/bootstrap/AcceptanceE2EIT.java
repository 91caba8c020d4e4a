package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, through the public APIs only: the fat jar as a process, on the store CI provides (the
 * MongoDB of {@code IOT_MANAGER_MONGO_URL} when set, else the embedded store), and a local receiver.
 * Mender's own acceptance scenarios for webhooks, a device's whole journey, and two tenants side by side.
 */
class AcceptanceE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "deadbeef";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dir;
  static JarProcess jar;
  static Receiver receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = Receiver.start();
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "500ms,500ms,500ms");
    env.put("IOT_MANAGER_MONGO_DBNAME", "e2e_" + UUID.randomUUID().toString().replace("-", ""));
    env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    if (TestService.realMongo()) {
      env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
    }
    jar = JarProcess.start(env, List.of(), dir).awaitAlive(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (jar != null) {
      assertEquals(0, jar.terminate(Duration.ofSeconds(30)), "SIGTERM exits 0");
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void menderAcceptanceScenariosDeliverSignedEventsAndShowThemInTheLog() throws Exception {
    String tenant = "tenant-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    String path = "/mender/" + tenant;
    createWebhook(token, receiver.url(path), SECRET);
    String device = UUID.randomUUID().toString();

    String provision = "{\"id\":\"" + device + "\",\"status\":\"accepted\",\"auth_sets\":[{\"id\":\"as-1\","
        + "\"device_id\":\"" + device + "\",\"identity_data\":{\"mac\":\"00:11:22:33:44:55\",\"sku\":\"dev\"},"
        + "\"pubkey\":\"-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----\",\"status\":\"accepted\"}],"
        + "\"created_ts\":\"2024-05-01T10:00:00Z\",\"revision\":7}";
    assertEquals(202, internal("POST", "/tenants/" + tenant + "/devices", provision).statusCode());
    Receiver.Received provisioned = awaitOne(path, "device-provisioned", device);
    JsonNode body = JSON.readTree(provisioned.body());
    assertEquals(device, body.at("/data/id").asText());
    assertEquals("accepted", body.at("/data/status").asText());
    JsonNode authSet = body.at("/data/auth_sets/0");
    assertEquals("as-1", authSet.get("id").asText());
    assertEquals(device, authSet.get("device_id").asText());
    assertTrue(authSet.get("pubkey").asText().startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertEquals("00:11:22:33:44:55", authSet.at("/identity_data/mac").asText());
    assertFalse(body.get("data").has("revision"), "fields Mender does not name are dropped");
    assertRfc3339Utc(body.get("time").asText());
    assertSigned(provisioned);

    assertEquals(202, internal("DELETE", "/tenants/" + tenant + "/devices/" + device, null).statusCode());
    Receiver.Received decommissioned = awaitOne(path, "device-decommissioned", device);
    assertEquals("{\"id\":\"" + device + "\"}", JSON.readTree(decommissioned.body()).get("data").toString());
    assertSigned(decommissioned);

    assertEquals(202, internal("PUT", "/tenants/" + tenant + "/bulk/devices/status/rejected",
        "[{\"id\":\"" + device + "\"}]").statusCode());
    Receiver.Received rejected = awaitOne(path, "device-status-changed", device);
    assertEquals("{\"id\":\"" + device + "\",\"status\":\"rejected\"}",
        JSON.readTree(rejected.body()).get("data").toString());
    assertSigned(rejected);

    JsonNode log = awaitEvents(token, 3, events -> allDelivered(events));
    List<String> types = new ArrayList<>();
    log.forEach(e -> types.add(e.get("type").asText()));
    assertEquals(List.of("device-status-changed", "device-decommissioned", "device-provisioned"), types,
        "newest first");
    for (JsonNode event : log) {
      JsonNode status = event.get("delivery_statuses").get(0);
      assertTrue(status.get("success").asBoolean(), event.toString());
      assertEquals(200, status.get("status_code").asInt(), event.toString());
    }
  }

  @Test
  void aDevicesWholeJourneyReachesTheReceiver() throws Exception {
    String tenant = "journey-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    String path = "/journey/" + tenant;
    createWebhook(token, receiver.url(path), null);
    String device = UUID.randomUUID().toString();
    assertEquals(202, internal("POST", "/tenants/" + tenant + "/devices",
        "{\"id\":\"" + device + "\",\"status\":\"pending\"}").statusCode());
    awaitOne(path, "device-provisioned", device);
    for (String status : List.of("accepted", "rejected")) {
      assertEquals(202, internal("PUT", "/tenants/" + tenant + "/bulk/devices/status/" + status,
          "[{\"id\":\"" + device + "\"}]").statusCode());
      awaitMatching(path, r -> r.body().contains("\"status\":\"" + status + "\""), 1);
    }
    assertEquals(202, internal("DELETE", "/tenants/" + tenant + "/devices/" + device, null).statusCode());
    awaitOne(path, "device-decommissioned", device);

    List<String> seen = new ArrayList<>();
    for (Receiver.Received r : receiver.received()) {
      if (r.path().equals(path)) {
        JsonNode b = JSON.readTree(r.body());
        seen.add(b.get("type").asText() + ":" + b.at("/data/status").asText(""));
        assertFalse(r.headers().containsKey("x-men-signature"), "no secret, no signature");
        assertEquals(b.get("id").asText(), r.headers().get("webhook-id"));
      }
    }
    assertEquals(List.of("device-provisioned:pending", "device-status-changed:accepted",
        "device-status-changed:rejected", "device-decommissioned:"), seen);
    awaitEvents(token, 4, AcceptanceE2EIT::allDelivered);
  }

  @Test
  void twoTenantsSideBySideEachReceiveOnlyTheirOwnEvents() throws Exception {
    String a = "side-a-" + UUID.randomUUID();
    String b = "side-b-" + UUID.randomUUID();
    createWebhook(TestService.userToken(a), receiver.url("/side/" + a), SECRET);
    createWebhook(TestService.userToken(b), receiver.url("/side/" + b), SECRET);
    StringBuilder devicesA = new StringBuilder("[");
    StringBuilder devicesB = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      devicesA.append(i == 0 ? "" : ",").append("{\"id\":\"a-").append(i).append("\"}");
      devicesB.append(i == 0 ? "" : ",").append("{\"id\":\"b-").append(i).append("\"}");
    }
    assertEquals(202, internal("PUT", "/tenants/" + a + "/bulk/devices/status/accepted", devicesA + "]")
        .statusCode());
    assertEquals(202, internal("PUT", "/tenants/" + b + "/bulk/devices/status/accepted", devicesB + "]")
        .statusCode());
    List<Receiver.Received> gotA = awaitMatching("/side/" + a, r -> true, 20);
    List<Receiver.Received> gotB = awaitMatching("/side/" + b, r -> true, 20);
    assertTrue(gotA.stream().allMatch(r -> r.body().contains("\"id\":\"a-")), "tenant a got only its devices");
    assertTrue(gotB.stream().allMatch(r -> r.body().contains("\"id\":\"b-")), "tenant b got only its devices");
    JsonNode logA = awaitEvents(TestService.userToken(a), 20, AcceptanceE2EIT::allDelivered);
    logA.forEach(e -> assertTrue(e.at("/data/id").asText().startsWith("a-"), e.toString()));
    JsonNode logB = awaitEvents(TestService.userToken(b), 20, AcceptanceE2EIT::allDelivered);
    logB.forEach(e -> assertTrue(e.at("/data/id").asText().startsWith("b-"), e.toString()));
  }

  private static void createWebhook(String token, String url, String secret) throws Exception {
    String http = "{\"url\":\"" + url + "\"" + (secret == null ? "" : ",\"secret\":\"" + secret + "\"") + "}";
    HttpResponse<String> created = request("POST", "/api/management/v1/iot-manager/integrations", token,
        "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":" + http + "}}");
    assertEquals(201, created.statusCode(), created.body());
  }

  private static HttpResponse<String> internal(String method, String path, String body) throws Exception {
    return request(method, "/api/internal/v1/iot-manager" + path, null, body);
  }

  private static HttpResponse<String> request(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Receiver.Received awaitOne(String path, String type, String device) throws Exception {
    return awaitMatching(path, r -> r.body().contains("\"type\":\"" + type + "\"")
        && r.body().contains("\"id\":\"" + device + "\""), 1).get(0);
  }

  private static List<Receiver.Received> awaitMatching(String path, Predicate<Receiver.Received> match, int count)
      throws Exception {
    return Awaitility.await(count + " request(s) at " + path).atMost(Duration.ofSeconds(30))
        .until(() -> receiver.received().stream().filter(r -> r.path().equals(path)).filter(match).toList(),
            found -> found.size() >= count);
  }

  private static JsonNode awaitEvents(String token, int count, Predicate<JsonNode> done) throws Exception {
    return Awaitility.await("the events log shows " + count + " delivered events").atMost(Duration.ofSeconds(30))
        .until(() -> {
          HttpResponse<String> r = request("GET", "/api/management/v1/iot-manager/events?per_page=100", token, null);
          assertEquals(200, r.statusCode(), r.body());
          return JSON.readTree(r.body());
        }, events -> events.size() == count && done.test(events));
  }

  private static boolean allDelivered(JsonNode events) {
    for (JsonNode e : events) {
      for (JsonNode s : e.get("delivery_statuses")) {
        if (!"delivered".equals(s.get("state").asText()) || !s.get("success").asBoolean()) {
          return false;
        }
      }
    }
    return true;
  }

  private static void assertRfc3339Utc(String time) {
    OffsetDateTime parsed = OffsetDateTime.parse(time);
    assertEquals(ZoneOffset.UTC, parsed.getOffset(), time);
    assertTrue(time.endsWith("Z"), time);
  }

  /** Both signatures of the request verify with the hex-decoded secret over the exact body bytes. */
  private static void assertSigned(Receiver.Received r) throws Exception {
    byte[] key = HexFormat.of().parseHex(SECRET);
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    assertEquals("MEN-HMAC-SHA256-Payload", r.headers().get("x-men-algorithm"));
    assertEquals(HexFormat.of().formatHex(mac.doFinal(body)), r.headers().get("x-men-signature"));
    String id = r.headers().get("webhook-id");
    String ts = r.headers().get("webhook-timestamp");
    assertEquals(JSON.readTree(r.body()).get("id").asText(), id);
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    String expected = "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + ts + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, r.headers().get("webhook-signature"));
    assertTrue(Math.abs(Long.parseLong(ts) - System.currentTimeMillis() / 1000) < 60, "fresh timestamp " + ts);
    assertEquals("application/json", r.headers().get("content-type"));
    assertTrue(r.headers().get("user-agent").startsWith("iot-webhooks/"), r.headers().get("user-agent"));
  }
}
