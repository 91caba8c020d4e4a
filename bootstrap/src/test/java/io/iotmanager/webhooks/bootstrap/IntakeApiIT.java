package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.assertError;
import static io.iotmanager.webhooks.bootstrap.Api.assertTime;
import static io.iotmanager.webhooks.bootstrap.Api.bulk;
import static io.iotmanager.webhooks.bootstrap.Api.devices;
import static io.iotmanager.webhooks.bootstrap.Api.integrationJson;
import static io.iotmanager.webhooks.bootstrap.Api.tenant;
import static io.iotmanager.webhooks.bootstrap.TestService.INTERNAL;
import static io.iotmanager.webhooks.bootstrap.TestService.MANAGEMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver.Received;
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
 * The internal intake API (docs/openapi/internal-v1.yaml) end to end, through the fat jar on the test
 * store (the real MongoDB of {@code IOT_MANAGER_MONGO_URL}, else the embedded one): the stored body being
 * the very bytes a receiver gets, a bulk call's events, tenants without integrations, tenant deletion and
 * the empty tenant. Every refusal and its message is a route test of adapters-http (IntakeRoutesTest).
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

    Received got = Awaitility.await("the receiver gets the event").atMost(DELIVERY_WAIT).until(() ->
        receiver.received().stream().filter(r -> r.path().equals(hook)).findFirst().orElse(null),
        java.util.Objects::nonNull);
    String exact = "{\"id\":\"" + event.getString("id") + "\",\"type\":\"device-provisioned\",\"data\":" + expectedData
        + ",\"time\":\"" + event.getString("time") + "\"}";
    assertEquals(exact, got.body(), "the webhook body: compact, data as posted with unknown fields dropped");
    assertEquals("application/json", got.headers().get("content-type"));
    assertEquals("MEN-HMAC-SHA256-Payload", got.headers().get("x-men-algorithm"));
    assertEquals(hmacHex("deadbeef", got.body()), got.headers().get("x-men-signature"),
        "the signature covers the exact bytes sent");
    assertEquals(event.getString("id"), got.headers().get("webhook-id"));
  }

  // ---------------------------------------------------------------- device-decommissioned

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

  // ---------------------------------------------------------------- size limit

  // ---------------------------------------------------------------- helpers

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

  private static String hmacHex(String hexKey, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(hexKey), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
