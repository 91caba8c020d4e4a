package io.iotmanager.webhooks.bootstrap;

import static io.iotmanager.webhooks.bootstrap.Api.assertError;
import static io.iotmanager.webhooks.bootstrap.Api.assertErrorStatus;
import static io.iotmanager.webhooks.bootstrap.Api.assertTime;
import static io.iotmanager.webhooks.bootstrap.Api.bulk;
import static io.iotmanager.webhooks.bootstrap.Api.devices;
import static io.iotmanager.webhooks.bootstrap.Api.errorOf;
import static io.iotmanager.webhooks.bootstrap.Api.integrationJson;
import static io.iotmanager.webhooks.bootstrap.Api.tenant;
import static io.iotmanager.webhooks.bootstrap.TestService.INTERNAL;
import static io.iotmanager.webhooks.bootstrap.TestService.MANAGEMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.bootstrap.Receiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The internal intake API of API.md A4 over HTTP, on the whole service and the test store (the real
 * MongoDB of {@code IOT_MANAGER_MONGO_URL}, else the embedded one): Mender's three event types with
 * their exact payloads, the tenant routes (empty tenant included), every refusal with no event stored,
 * and the stored body being the very bytes a receiver gets.
 */
class IntakeApiIT {
  private static final Duration DELIVERY_WAIT = Duration.ofSeconds(20);

  private static TestService service;
  private static Receiver receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = Receiver.start();
    service = TestService.start(Map.of("max_integrations_per_tenant", "3"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (service != null) {
        service.close();
      }
    } finally {
      if (receiver != null) {
        receiver.close();
      }
    }
  }

  // ---------------------------------------------------------------- device-provisioned

  @Test
  void provisioningStoresTheDeviceAsPostedAndTheReceiverGetsTheStoredBytesSigned() throws Exception {
    String tenant = tenant();
    String hook = "/hook/" + tenant;
    addIntegration(tenant, receiver.url(hook), "deadbeef");
    String posted = """
        {"id":"dev1","status":"accepted","decommissioning":false,"extra":{"a":1},
         "auth_sets":[
           {"id":"as1","device_id":"dev1","identity_data":{"sku":"x1","mac":"00:11:22"},
            "pubkey":"-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----\\n","status":"accepted",
            "ts":"2024-05-01T10:00:00.120Z","unknown":"dropped"},
           {"id":"as2","ts":"2024-05-01T12:00:00.500+02:00"},
           {"id":"as3"}],
         "created_ts":"2024-05-01T10:00:00.000Z"}""";
    String expectedData = "{\"id\":\"dev1\",\"status\":\"accepted\",\"auth_sets\":["
        + "{\"id\":\"as1\",\"device_id\":\"dev1\",\"identity_data\":{\"mac\":\"00:11:22\",\"sku\":\"x1\"},"
        + "\"pubkey\":\"-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----\\n\",\"status\":\"accepted\","
        + "\"ts\":\"2024-05-01T10:00:00.12Z\"},"
        + "{\"id\":\"as2\",\"device_id\":\"\",\"identity_data\":null,\"pubkey\":\"\",\"status\":\"\","
        + "\"ts\":\"2024-05-01T12:00:00.5+02:00\"},"
        + "{\"id\":\"as3\",\"device_id\":\"\",\"identity_data\":null,\"pubkey\":\"\",\"status\":\"\"}],"
        + "\"created_ts\":\"2024-05-01T10:00:00Z\"}";
    Instant before = Instant.now();

    HttpResponse<String> accepted = service.call("POST", devices(tenant), null, posted);

    assertEquals(202, accepted.statusCode(), accepted.body());
    assertEquals("", accepted.body());
    JsonObject event = single(events(tenant));
    assertEquals("device-provisioned", event.getString("type"));
    assertEquals(new JsonObject(expectedData), event.getJsonObject("data"));
    assertTime(event.getString("time"), before);

    Received got = Eventually.await("the receiver gets the event", DELIVERY_WAIT, () ->
        receiver.received().stream().filter(r -> r.path().equals(hook)).findFirst().orElse(null));
    String exact = "{\"id\":\"" + event.getString("id") + "\",\"type\":\"device-provisioned\",\"data\":" + expectedData
        + ",\"time\":\"" + event.getString("time") + "\"}";
    assertEquals(exact, got.body(), "the webhook body: compact, data as posted with unknown fields dropped");
    assertEquals("application/json", got.headers().get("content-type"));
    assertEquals("MEN-HMAC-SHA256-Payload", got.headers().get("x-men-algorithm"));
    assertEquals(hmacHex("deadbeef", got.body()), got.headers().get("x-men-signature"),
        "the signature covers the exact bytes sent");
    assertEquals(event.getString("id"), got.headers().get("webhook-id"));
  }

  @Test
  void provisioningKeepsOnlyTheFieldsPostedAndAcceptsTheLegacyDeviceId() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);

    assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"minimal\"}").statusCode());
    assertEquals(202, service.call("POST", devices(tenant), null,
        "{\"device_id\":\"legacy\",\"status\":\"pending\",\"auth_sets\":[]}").statusCode());
    assertEquals(202, service.call("POST", devices(tenant), null,
        "{\"id\":\"\",\"device_id\":\"legacy-2\",\"status\":\"\",\"auth_sets\":null,\"created_ts\":null}")
        .statusCode());

    Map<String, String> byDevice = dataByDevice(events(tenant));
    assertEquals(Map.of(
        "minimal", "{\"id\":\"minimal\"}",
        "legacy", "{\"id\":\"legacy\",\"status\":\"pending\"}",
        "legacy-2", "{\"id\":\"legacy-2\"}"), byDevice);
  }

  @Test
  void provisioningWithoutADeviceIdIsRefusedAndStoresNothing() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);

    for (String body : List.of("{}", "{\"id\":\"\"}", "{\"device_id\":\"\"}", "{\"status\":\"accepted\"}")) {
      assertError(service.call("POST", devices(tenant), null, body), 400, "missing device ID");
    }
    assertEquals(new JsonArray(), events(tenant));
  }

  @Test
  void malformedBodiesAndWrongTypesAreRefusedAndStoreNothing() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);

    List<String> provisions = List.of(
        "{", "not json", "[]", "null", "\"dev1\"", "{\"id\":\"a\"} trailing", "{\"id\":\"a\"}{\"id\":\"b\"}",
        "{\"id\":123}", "{\"id\":true}", "{\"device_id\":7}", "{\"id\":\"d\",\"status\":1}",
        "{\"id\":\"d\",\"auth_sets\":\"x\"}", "{\"id\":\"d\",\"auth_sets\":{\"id\":\"a\"}}",
        "{\"id\":\"d\",\"auth_sets\":[{\"id\":1}]}", "{\"id\":\"d\",\"auth_sets\":[{\"identity_data\":\"x\"}]}",
        "{\"id\":\"d\",\"auth_sets\":[\"x\"]}", "{\"id\":\"d\",\"created_ts\":\"yesterday\"}",
        "{\"id\":\"d\",\"created_ts\":1714557600}", "{\"id\":\"d\",\"auth_sets\":[{\"id\":\"a\",\"ts\":\"soon\"}]}");
    for (String body : provisions) {
      assertMalformed(service.call("POST", devices(tenant), null, body), body);
    }
    assertMalformed(service.call("POST", devices(tenant), null, ""), "(empty)");

    List<String> bulks = List.of("{", "{\"id\":\"a\"}", "[{\"id\":\"a\"}]]", "[{\"id\":\"a\"}] []",
        "[{\"id\":1}]", "[1,2]", "[\"a\"]", "[[]]", "null", "");
    for (String body : bulks) {
      assertMalformed(service.call("PUT", bulk(tenant, "accepted"), null, body), body);
    }
    assertEquals(new JsonArray(), events(tenant), "no event stored for a refused call");
  }

  /**
   * The original drops nothing but unknown fields and rejects nothing but JSON errors, so a null
   * auth set becomes an empty one (Go's zero value) instead of failing.
   */
  @Test
  void aNullAuthSetIsStoredAsAnEmptyOneNotAServerError() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);

    HttpResponse<String> reply = service.call("POST", devices(tenant), null, "{\"id\":\"d\",\"auth_sets\":[null]}");

    assertEquals(202, reply.statusCode(), reply.body());
    assertEquals("{\"id\":\"d\",\"auth_sets\":[{\"id\":\"\",\"device_id\":\"\",\"identity_data\":null,"
        + "\"pubkey\":\"\",\"status\":\"\"}]}", dataByDevice(events(tenant)).get("d"));
  }

  // ---------------------------------------------------------------- device-decommissioned

  @Test
  void decommissioningStoresTheDeviceIdOnly() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);
    Instant before = Instant.now();

    HttpResponse<String> reply = service.call("DELETE", devices(tenant) + "/dev-9", null, null);
    HttpResponse<String> encoded = service.call("DELETE", devices(tenant) + "/a%3Ab%20c", null, null);

    assertEquals(202, reply.statusCode(), reply.body());
    assertEquals(202, encoded.statusCode(), encoded.body());
    JsonArray events = events(tenant);
    assertEquals(2, events.size());
    for (int i = 0; i < events.size(); i++) {
      assertEquals("device-decommissioned", events.getJsonObject(i).getString("type"));
      assertTime(events.getJsonObject(i).getString("time"), before);
    }
    assertEquals(Map.of("dev-9", "{\"id\":\"dev-9\"}", "a:b c", "{\"id\":\"a:b c\"}"), dataByDevice(events));
  }

  // ---------------------------------------------------------------- device-status-changed

  @Test
  void aBulkStatusChangeOfOneHundredDevicesStoresOneEventPerItem() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);
    String items = IntStream.range(0, 100)
        .mapToObj(i -> i % 2 == 0 ? "{\"id\":\"dev-" + i + "\"}" : "{\"device_id\":\"dev-" + i + "\",\"x\":1}")
        .collect(Collectors.joining(",", "[", "]"));

    HttpResponse<String> reply = service.call("PUT", bulk(tenant, "preauthorized"), null, items);

    assertEquals(202, reply.statusCode(), reply.body());
    JsonArray events = events(tenant);
    assertEquals(100, events.size());
    Map<String, String> byDevice = dataByDevice(events);
    for (int i = 0; i < 100; i++) {
      assertEquals("{\"id\":\"dev-" + i + "\",\"status\":\"preauthorized\"}", byDevice.get("dev-" + i));
    }
    for (int i = 0; i < events.size(); i++) {
      assertEquals("device-status-changed", events.getJsonObject(i).getString("type"));
    }
    assertEquals(100, events.stream().map(e -> ((JsonObject) e).getString("id")).distinct().count());
  }

  @Test
  void everyValidStatusIsAcceptedAndAnEmptyListStoresNothing() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);
    List<String> statuses = List.of("accepted", "noauth", "pending", "preauthorized", "rejected", "decommissioned");

    for (String status : statuses) {
      HttpResponse<String> reply = service.call("PUT", bulk(tenant, status), null, "[{\"id\":\"" + status + "\"}]");
      assertEquals(202, reply.statusCode(), status + ": " + reply.body());
    }
    assertEquals(202, service.call("PUT", bulk(tenant, "accepted"), null, "[]").statusCode());

    Map<String, String> byDevice = dataByDevice(events(tenant));
    assertEquals(statuses.size(), byDevice.size());
    statuses.forEach(s -> assertEquals("{\"id\":\"" + s + "\",\"status\":\"" + s + "\"}", byDevice.get(s)));
  }

  @Test
  void bulkRefusalsStoreNothing() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);
    String ok = "[{\"id\":\"a\"}]";

    assertError(service.call("PUT", bulk(tenant, "bogus"), null, ok), 400, "invalid status 'bogus'");
    assertError(service.call("PUT", bulk(tenant, "Accepted"), null, ok), 400, "invalid status 'Accepted'");
    assertError(service.call("PUT", bulk(tenant, ""), null, ok), 400, "invalid status ''");
    HttpResponse<String> tooMany = service.call("PUT", bulk(tenant, "accepted"), null, IntStream.range(0, 101)
        .mapToObj(i -> "{\"id\":\"d" + i + "\"}").collect(Collectors.joining(",", "[", "]")));
    assertErrorStatus(tooMany, 400);
    assertTrue(errorOf(tooMany).contains("100"), tooMany.body());
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},{}]"), 400,
        "missing device ID");
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},{\"id\":\"\"}]"), 400,
        "missing device ID");
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},null]"), 400,
        "missing device ID");

    assertEquals(new JsonArray(), events(tenant), "a refused bulk call stores none of its items");
  }

  // ---------------------------------------------------------------- tenants

  @Test
  void aTenantWithoutIntegrationsIsAcceptedAndNothingIsStored() throws Exception {
    String tenant = tenant();

    assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"d\"}").statusCode());
    assertEquals(202, service.call("DELETE", devices(tenant) + "/d", null, null).statusCode());
    assertEquals(202, service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"d\"}]").statusCode());

    assertEquals(new JsonArray(), events(tenant));
    addIntegration(tenant, receiver.url("/hook/" + tenant), null);
    assertEquals(new JsonArray(), events(tenant), "nothing from before the integration shows up later");
  }

  @Test
  void deletingATenantRemovesItsIntegrationsAndEventsOnly() throws Exception {
    String gone = tenant();
    String kept = tenant();
    addIntegration(gone, receiver.url("/hook/" + gone), null);
    addIntegration(kept, receiver.url("/hook/" + kept), null);
    for (String tenant : List.of(gone, kept)) {
      assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"d1\"}").statusCode());
      assertEquals(202, service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"d1\"},{\"id\":\"d2\"}]")
          .statusCode());
    }

    HttpResponse<String> deleted = service.call("DELETE", INTERNAL + "/tenants/" + gone, null, null);

    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals("", deleted.body());
    assertEquals(new JsonArray(), integrations(gone));
    assertEquals(new JsonArray(), events(gone));
    assertEquals(1, integrations(kept).size());
    assertEquals(3, events(kept).size());
    assertEquals(204, service.call("DELETE", INTERNAL + "/tenants/" + gone, null, null).statusCode(),
        "deleting an absent tenant is not an error");
    assertEquals(202, service.call("POST", devices(gone), null, "{\"id\":\"d3\"}").statusCode());
    assertEquals(new JsonArray(), events(gone), "a deleted tenant has no integrations left to deliver to");
  }

  @Test
  void theEmptyTenantSegmentIsTheOpenSourceTenantIsolatedFromNamedOnes() throws Exception {
    String named = tenant();
    addIntegration("", receiver.url("/hook/empty-tenant"), null);
    addIntegration(named, receiver.url("/hook/" + named), null);

    assertEquals(202, service.call("POST", INTERNAL + "/tenants//devices", null, "{\"id\":\"os1\"}").statusCode());
    assertEquals(202, service.call("DELETE", INTERNAL + "/tenants//devices/os2", null, null).statusCode());
    assertEquals(202, service.call("PUT", INTERNAL + "/tenants//bulk/devices/status/rejected", null,
        "[{\"id\":\"os3\"}]").statusCode());
    assertEquals(202, service.call("POST", devices(named), null, "{\"id\":\"named1\"}").statusCode());

    assertEquals(Map.of("os1", "{\"id\":\"os1\"}", "os2", "{\"id\":\"os2\"}",
        "os3", "{\"id\":\"os3\",\"status\":\"rejected\"}"), dataByDevice(events("")));
    assertEquals(Map.of("named1", "{\"id\":\"named1\"}"), dataByDevice(events(named)));

    assertEquals(204, service.call("DELETE", INTERNAL + "/tenants/", null, null).statusCode());
    assertEquals(new JsonArray(), events(""));
    assertEquals(new JsonArray(), integrations(""));
    assertEquals(1, events(named).size(), "deleting the empty tenant leaves named tenants alone");
    assertEquals(1, integrations(named).size());
  }

  @Test
  void unknownTenantRoutesAre404AndWrongMethods405() throws Exception {
    String tenant = tenant();
    assertError(service.call("GET", devices(tenant), null, null), 405, "method not allowed");
    assertError(service.call("PUT", devices(tenant), null, "{\"id\":\"d\"}"), 405, "method not allowed");
    assertError(service.call("POST", devices(tenant) + "/d", null, "{}"), 405, "method not allowed");
    assertError(service.call("POST", bulk(tenant, "accepted"), null, "[]"), 405, "method not allowed");
    assertError(service.call("GET", INTERNAL + "/tenants/" + tenant, null, null), 405, "method not allowed");
    assertError(service.call("POST", INTERNAL + "/tenants/" + tenant + "/gadgets", null, "{}"), 404, "not found");
    assertError(service.call("DELETE", devices(tenant) + "/", null, null), 404, "not found");
    assertError(service.call("DELETE", devices(tenant) + "/a/b", null, null), 404, "not found");
  }

  // ---------------------------------------------------------------- size limit

  @Test
  void aBodyOverTheSizeLimitIs413AndNothingIsStored() throws Exception {
    try (TestService small = TestService.start(Map.of("request_size_limit", "1024"))) {
      String tenant = tenant();
      HttpResponse<String> created = small.call("POST", MANAGEMENT + "/integrations", TestService.userToken(tenant),
          integrationJson(receiver.url("/hook/" + tenant), null));
      assertEquals(201, created.statusCode(), created.body());
      String big = padded("big", 2000);
      String fits = padded("fits", 1024);

      assertError(small.call("POST", devices(tenant), null, big), 413, "request body too large");
      assertError(small.callStreaming("POST", devices(tenant), null, big.getBytes(StandardCharsets.UTF_8)), 413,
          "request body too large");
      String bulk101 = IntStream.range(0, 101).mapToObj(i -> "{\"id\":\"d" + i + "\"}")
          .collect(Collectors.joining(",", "[", "]"));
      assertError(small.call("PUT", bulk(tenant, "accepted"), null, bulk101), 413, "request body too large");
      assertEquals(202, small.call("POST", devices(tenant), null, fits).statusCode(), "a body at the limit fits");

      HttpResponse<String> log = small.call("GET", MANAGEMENT + "/events", TestService.userToken(tenant), null);
      assertEquals(200, log.statusCode(), log.body());
      assertEquals(Set.of("fits"), new JsonArray(log.body()).stream()
          .map(e -> ((JsonObject) e).getJsonObject("data").getString("id")).collect(Collectors.toSet()));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A provisioning body of exactly {@code bytes} bytes. */
  private static String padded(String id, int bytes) {
    String head = "{\"id\":\"" + id + "\",\"pad\":\"";
    String body = head + "x".repeat(bytes - head.length() - 2) + "\"}";
    assertEquals(bytes, body.getBytes(StandardCharsets.UTF_8).length);
    return body;
  }

  private static UUID addIntegration(String tenant, String url, String secret) throws Exception {
    return Api.addIntegration(service, tenant, url, secret);
  }

  private static JsonArray events(String tenant) throws Exception {
    return Api.events(service, tenant, "?per_page=500");
  }

  private static JsonArray integrations(String tenant) throws Exception {
    return Api.integrations(service, tenant);
  }

  private static JsonObject single(JsonArray events) {
    assertEquals(1, events.size(), events.encodePrettily());
    return events.getJsonObject(0);
  }

  /** Each event's {@code data} in compact JSON, by device id (each device appears once). */
  private static Map<String, String> dataByDevice(JsonArray events) {
    return events.stream().map(JsonObject.class::cast).collect(Collectors.toMap(
        e -> e.getJsonObject("data").getString("id"), e -> e.getJsonObject("data").encode()));
  }

  private static void assertMalformed(HttpResponse<String> reply, String sent) {
    assertEquals(400, reply.statusCode(), sent + " -> " + reply.body());
    assertErrorStatus(reply, 400);
    assertTrue(errorOf(reply).startsWith("malformed request body: "), sent + " -> " + reply.body());
  }

  private static String hmacHex(String hexKey, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(hexKey), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
