package io.iotmanager.webhooks.adapter.http.intake;

import static io.iotmanager.webhooks.adapter.http.testing.ApiCalls.bulk;
import static io.iotmanager.webhooks.adapter.http.testing.ApiCalls.devices;
import static io.iotmanager.webhooks.adapter.http.testing.ApiCalls.tenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.ApiCalls;
import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.DeleteTenantCommand;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.domain.EventType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The internal API (docs/openapi/internal-v1.yaml) over a socket, in front of fake use cases: what each
 * intake call hands to the application (tenant, event type, each device's data), every refusal and its
 * message (a refused call hands over nothing), the empty tenant segment, 404/405/413, the probes. Every
 * response is checked against the OpenAPI document.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class IntakeRoutesTest {
  static final String INTERNAL = ApiPaths.INTERNAL;
  static RouteServer service;
  static RouteServer small;

  @BeforeAll
  static void start(Vertx vertx) {
    service = RouteServer.start(vertx);
    small = RouteServer.start(vertx, 1024, Optional.empty());
  }

  /** The commands handed to the application for {@code tenant}. */
  static List<RecordDeviceEventsCommand> recorded(RouteServer on, String tenant) {
    return on.useCases.all(RecordDeviceEventsCommand.class).stream().filter(c -> c.tenantId().equals(tenant)).toList();
  }

  /** Each device's data in compact JSON, by device id, over every command of {@code tenant}. */
  static Map<String, String> dataByDevice(RouteServer on, String tenant) {
    Map<String, String> all = new LinkedHashMap<>();
    recorded(on, tenant).forEach(c -> c.devices().forEach(d -> all.put(d.deviceId(), d.data().json())));
    return all;
  }

  static void assertError(Reply reply, int status, String message) {
    ApiCalls.assertError(reply, status, message);
  }

  static void assertMalformed(Reply reply, String sent) {
    assertError(reply, 400, null);
    String error = new JsonObject(reply.body()).getString("error");
    assertTrue(error.startsWith("malformed request body: "), sent + " -> " + reply.body());
    assertFalse(error.contains("Source") || error.contains("line:"), "no parser internals: " + error);
  }

  @Test
  void provisioningHandsOverTheDeviceAsPostedWithOnlyTheKnownFields() {
    String tenant = tenant();
    String full = "{\"id\":\"d1\",\"status\":\"pending\",\"created_ts\":\"2024-05-01T10:00:00Z\",\"extra\":1,"
        + "\"auth_sets\":[{\"id\":\"a1\",\"device_id\":\"d1\",\"identity_data\":{\"mac\":\"00:11\"},"
        + "\"pubkey\":\"PEM\",\"status\":\"pending\",\"ts\":\"2024-05-01T10:00:00Z\",\"more\":true}]}";
    Reply reply = service.call("POST", devices(tenant), null, full);
    assertEquals(202, reply.statusCode(), reply.body());
    assertEquals("", reply.body());
    assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"minimal\"}").statusCode());
    assertEquals(202, service.call("POST", devices(tenant), null,
        "{\"device_id\":\"legacy\",\"status\":\"pending\",\"auth_sets\":[]}").statusCode());
    assertEquals(202, service.call("POST", devices(tenant), null,
        "{\"id\":\"\",\"device_id\":\"legacy-2\",\"status\":\"\",\"auth_sets\":null,\"created_ts\":null}")
        .statusCode());
    assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"nullset\",\"auth_sets\":[null]}")
        .statusCode(), "a null auth set is Go's zero value, not a server error");

    recorded(service, tenant).forEach(c -> assertEquals(EventType.DEVICE_PROVISIONED, c.type()));
    assertEquals(Map.of(
        "d1", "{\"id\":\"d1\",\"status\":\"pending\",\"auth_sets\":[{\"id\":\"a1\",\"device_id\":\"d1\","
            + "\"identity_data\":{\"mac\":\"00:11\"},\"pubkey\":\"PEM\",\"status\":\"pending\","
            + "\"ts\":\"2024-05-01T10:00:00Z\"}],\"created_ts\":\"2024-05-01T10:00:00Z\"}",
        "minimal", "{\"id\":\"minimal\"}",
        "legacy", "{\"id\":\"legacy\",\"status\":\"pending\"}",
        "legacy-2", "{\"id\":\"legacy-2\"}",
        "nullset", "{\"id\":\"nullset\",\"auth_sets\":[{\"id\":\"\",\"device_id\":\"\",\"identity_data\":null,"
            + "\"pubkey\":\"\",\"status\":\"\"}]}"), dataByDevice(service, tenant));
  }

  @Test
  void provisioningWithoutADeviceIdIsRefused() {
    String tenant = tenant();
    for (String body : List.of("{}", "{\"id\":\"\"}", "{\"device_id\":\"\"}", "{\"status\":\"accepted\"}")) {
      assertError(service.call("POST", devices(tenant), null, body), 400, "missing device ID");
    }
    assertEquals(List.of(), recorded(service, tenant));
  }

  @Test
  void malformedBodiesAndWrongTypesAreRefused() {
    String tenant = tenant();
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
    assertEquals(List.of(), recorded(service, tenant), "a refused call hands over nothing");
  }

  @Test
  void decommissioningHandsOverTheDecodedDeviceIdOnly() {
    String tenant = tenant();
    assertEquals(202, service.call("DELETE", devices(tenant) + "/dev-9", null, null).statusCode());
    assertEquals(202, service.call("DELETE", devices(tenant) + "/a%3Ab%20c", null, null).statusCode());
    assertEquals(202, service.call("DELETE", devices(tenant) + "/a+b", null, null).statusCode());
    recorded(service, tenant).forEach(c -> assertEquals(EventType.DEVICE_DECOMMISSIONED, c.type()));
    assertEquals(Map.of("dev-9", "{\"id\":\"dev-9\"}", "a:b c", "{\"id\":\"a:b c\"}", "a+b", "{\"id\":\"a+b\"}"),
        dataByDevice(service, tenant));
  }

  @Test
  void aBulkOfOneHundredIsOneCommandWithAnEventPerItem() {
    String tenant = tenant();
    String items = IntStream.range(0, 100)
        .mapToObj(i -> i % 2 == 0 ? "{\"id\":\"dev-" + i + "\"}" : "{\"device_id\":\"dev-" + i + "\",\"x\":1}")
        .collect(Collectors.joining(",", "[", "]"));
    Reply reply = service.call("PUT", bulk(tenant, "preauthorized"), null, items);
    assertEquals(202, reply.statusCode(), reply.body());
    List<RecordDeviceEventsCommand> commands = recorded(service, tenant);
    assertEquals(1, commands.size());
    assertEquals(EventType.DEVICE_STATUS_CHANGED, commands.get(0).type());
    List<DeviceEventData> devices = commands.get(0).devices();
    assertEquals(100, devices.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("dev-" + i, devices.get(i).deviceId());
      assertEquals("{\"id\":\"dev-" + i + "\",\"status\":\"preauthorized\"}", devices.get(i).data().json());
    }
  }

  @Test
  void everyValidStatusIsAcceptedAndAnEmptyListToo() {
    String tenant = tenant();
    List<String> statuses = List.of("accepted", "noauth", "pending", "preauthorized", "rejected", "decommissioned");
    for (String status : statuses) {
      Reply reply = service.call("PUT", bulk(tenant, status), null, "[{\"id\":\"" + status + "\"}]");
      assertEquals(202, reply.statusCode(), status + ": " + reply.body());
    }
    Map<String, String> byDevice = dataByDevice(service, tenant);
    statuses.forEach(s -> assertEquals("{\"id\":\"" + s + "\",\"status\":\"" + s + "\"}", byDevice.get(s)));
    assertEquals(202, service.call("PUT", bulk(tenant, "accepted"), null, "[]").statusCode());
  }

  @Test
  void bulkRefusalsNameTheProblemAndHandOverNothing() {
    String tenant = tenant();
    String ok = "[{\"id\":\"a\"}]";
    assertError(service.call("PUT", bulk(tenant, "bogus"), null, ok), 400, "invalid status 'bogus'");
    assertError(service.call("PUT", bulk(tenant, "Accepted"), null, ok), 400, "invalid status 'Accepted'");
    assertError(service.call("PUT", bulk(tenant, ""), null, ok), 400, "invalid status ''");
    String items101 = IntStream.range(0, 101).mapToObj(i -> "{\"id\":\"d" + i + "\"}")
        .collect(Collectors.joining(",", "[", "]"));
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, items101), 400,
        "too many bulk items: max 100 items per request");
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},{}]"), 400, "missing device ID");
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},{\"id\":\"\"}]"), 400,
        "missing device ID");
    assertError(service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},null]"), 400,
        "missing device ID");
    assertEquals(List.of(), recorded(service, tenant), "a refused bulk call hands over none of its items");
  }

  @Test
  void theEmptyTenantSegmentIsTheOpenSourceTenant() {
    int before = recorded(service, "").size();
    assertEquals(202, service.call("POST", INTERNAL + "/tenants//devices", null, "{\"id\":\"os1\"}").statusCode());
    assertEquals(202, service.call("DELETE", INTERNAL + "/tenants//devices/os2", null, null).statusCode());
    assertEquals(202, service.call("PUT", INTERNAL + "/tenants//bulk/devices/status/rejected", null,
        "[{\"id\":\"os3\"}]").statusCode());
    List<RecordDeviceEventsCommand> mine = recorded(service, "");
    assertEquals(before + 3, mine.size());
    assertEquals(List.of("os1", "os2", "os3"), mine.subList(before, before + 3).stream()
        .map(c -> c.devices().get(0).deviceId()).toList());

    Reply deleted = service.call("DELETE", INTERNAL + "/tenants/", null, null);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals(new DeleteTenantCommand(""), service.useCases.last(DeleteTenantCommand.class));
  }

  @Test
  void deletingATenantAnswers204WithAnEmptyBody() {
    String tenant = tenant();
    Reply deleted = service.call("DELETE", INTERNAL + "/tenants/" + tenant, null, null);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals("", deleted.body());
    assertEquals(new DeleteTenantCommand(tenant), service.useCases.last(DeleteTenantCommand.class));
  }

  @Test
  void unknownTenantRoutesAre404AndWrongMethods405() {
    String tenant = tenant();
    assertError(service.call("GET", devices(tenant), null, null), 405, "method not allowed");
    assertError(service.call("PUT", devices(tenant), null, "{\"id\":\"d\"}"), 405, "method not allowed");
    assertError(service.call("POST", devices(tenant) + "/d", null, "{}"), 405, "method not allowed");
    assertError(service.call("POST", bulk(tenant, "accepted"), null, "[]"), 405, "method not allowed");
    assertError(service.call("GET", INTERNAL + "/tenants/" + tenant, null, null), 405, "method not allowed");
    assertError(service.call("POST", INTERNAL + "/tenants/" + tenant + "/gadgets", null, "{}"), 404, "not found");
    assertError(service.call("DELETE", devices(tenant) + "/", null, null), 404, "not found");
    assertError(service.call("DELETE", devices(tenant) + "/a/b", null, null), 404, "not found");
    assertError(service.call("GET", INTERNAL + "/nothing", null, null), 404, "not found");
    assertEquals(List.of(), recorded(service, tenant));
  }

  @Test
  void aBodyOverTheSizeLimitIs413AndHandsOverNothing() {
    String tenant = tenant();
    String big = padded("big", 2000);
    assertError(small.call("POST", devices(tenant), null, big), 413, "request body too large");
    assertError(small.callStreaming("POST", devices(tenant), null, big.getBytes(StandardCharsets.UTF_8)), 413,
        "request body too large");
    String bulk101 = IntStream.range(0, 101).mapToObj(i -> "{\"id\":\"d" + i + "\"}")
        .collect(Collectors.joining(",", "[", "]"));
    assertError(small.call("PUT", bulk(tenant, "accepted"), null, bulk101), 413, "request body too large");
    assertError(small.call("POST", ApiPaths.MANAGEMENT + "/integrations", Jwts.userToken(tenant), big), 413,
        "request body too large");
    assertEquals(List.of(), recorded(small, tenant));
    assertEquals(202, small.call("POST", devices(tenant), null, padded("fits", 1024)).statusCode(),
        "a body at the limit fits");
    assertEquals(Set.of("fits"), dataByDevice(small, tenant).keySet());
  }

  @Test
  void aStoreOutageIs503NeverA202() {
    String tenant = tenant();
    service.useCases.failNext(new ApplicationException.StoreUnavailable("store unavailable: cannot store events",
        new RuntimeException("timeout")));
    assertError(service.call("POST", devices(tenant), null, "{\"id\":\"d\"}"), 503,
        "store unavailable: cannot store events");
    service.useCases.failNext(new ApplicationException.StoreUnavailable("store unavailable: ping failed", null));
    assertError(service.call("GET", INTERNAL + "/health", null, null), 503, "store unavailable: ping failed");
  }

  @Test
  void anOverloadedStoreIs503WithRetryAfterAndCounted() {
    String tenant = tenant();
    double before = rejectedEvents();
    service.useCases.failNext(new ApplicationException.Overloaded("overloaded: the store cannot take more events "
        + "in time; nothing of this call was stored, retry later", java.time.Duration.ofSeconds(3)));
    Reply reply = service.call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"a\"},{\"id\":\"b\"}]");
    assertError(reply, 503, "overloaded: the store cannot take more events in time; nothing of this call was "
        + "stored, retry later");
    assertEquals("3", reply.headers().firstValue("Retry-After").orElse(null));
    double after = rejectedEvents();
    assertEquals(2.0, after - before);

    // a store outage (not an overload) carries no Retry-After: nothing says when it ends
    service.useCases.failNext(new ApplicationException.StoreUnavailable("store unavailable: cannot store events",
        null));
    Reply outage = service.call("POST", devices(tenant), null, "{\"id\":\"d\"}");
    assertError(outage, 503, "store unavailable: cannot store events");
    assertFalse(outage.headers().firstValue("Retry-After").isPresent());
  }

  private static double rejectedEvents() {
    return service.call("GET", INTERNAL + "/metrics", null, null).body().lines()
        .filter(l -> l.startsWith("webhook_intake_rejected_events_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void theProbesAnswer204() {
    Reply alive = service.call("GET", INTERNAL + "/alive", null, null);
    assertEquals(204, alive.statusCode());
    assertEquals("", alive.body());
    assertEquals(204, service.call("GET", INTERNAL + "/health", null, null).statusCode());
  }

  /** A provisioning body of exactly {@code bytes} bytes. */
  private static String padded(String id, int bytes) {
    String head = "{\"id\":\"" + id + "\",\"pad\":\"";
    String body = head + "x".repeat(bytes - head.length() - 2) + "\"}";
    assertEquals(bytes, body.getBytes(StandardCharsets.UTF_8).length);
    return body;
  }
}
