package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.assertError;
import static io.iotmanager.webhooks.bootstrap.Api.assertErrorStatus;
import static io.iotmanager.webhooks.bootstrap.Api.assertTime;
import static io.iotmanager.webhooks.bootstrap.Api.bulk;
import static io.iotmanager.webhooks.bootstrap.Api.devices;
import static io.iotmanager.webhooks.bootstrap.Api.tenant;
import static io.iotmanager.webhooks.bootstrap.TestService.MANAGEMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The events log of docs/wire-contract.md A7/B3 over HTTP, on the whole service and the test store: order, paging,
 * the integration filter, every 400 message, tenant scoping, and the delivery status of each item as
 * attempts happen (the default retry schedule, so a failed first attempt stays pending for seconds).
 */
class EventsApiIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Newest first as the store sorts: time (milliseconds) descending, then id descending. */
  private static final Comparator<JsonObject> NEWEST_FIRST = Comparator
      .comparing((JsonObject e) -> Instant.parse(e.getString("time")).truncatedTo(ChronoUnit.MILLIS))
      .thenComparing(e -> e.getString("id"))
      .reversed();

  private static TestService service;
  private static Receiver receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = Receiver.start().respond(r -> r.path().startsWith("/hang") ? Answer.hanging()
        : r.path().startsWith("/fail") ? Answer.status(500) : Answer.status(200));
    service = TestService.start(Map.of("max_integrations_per_tenant", "2"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (receiver != null) {
        receiver.close(); // first: frees the attempts hanging on it, so the service stops at once
      }
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  @Test
  void listsNewestFirstTwentyByDefault() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, "/ok/" + tenant);
    for (int i = 0; i < 25; i++) {
      assertEquals(202, service.call("DELETE", devices(tenant) + "/dev-" + i, null, null).statusCode());
    }

    JsonArray first = events(tenant, "");
    JsonArray second = events(tenant, "?page=2");
    JsonArray all = events(tenant, "?per_page=500");

    assertEquals(20, first.size(), "per_page defaults to 20");
    assertEquals(5, second.size());
    assertEquals(new JsonArray(), events(tenant, "?page=3"));
    assertEquals(25, all.size());
    assertOrdered(all);
    assertEquals(ids(all).subList(0, 20), ids(first));
    assertEquals(ids(all).subList(20, 25), ids(second));
    List<String> devices = deviceIds(all);
    assertEquals("dev-24", devices.get(0), "the last one posted comes first");
    assertEquals("dev-0", devices.get(24));
    assertEquals(IntStream.range(0, 25).mapToObj(i -> "dev-" + i).collect(Collectors.toSet()),
        new HashSet<>(devices));
  }

  @Test
  void pagesOverThreeHundredEventsDoNotOverlapAndStayOrdered() throws Exception {
    String tenant = tenant();
    addIntegration(tenant, "/ok/" + tenant);
    for (int call = 0; call < 3; call++) {
      int base = call * 100;
      String items = IntStream.range(base, base + 100).mapToObj(i -> "{\"id\":\"dev-" + i + "\"}")
          .collect(Collectors.joining(",", "[", "]"));
      assertEquals(202, service.call("PUT", bulk(tenant, "accepted"), null, items).statusCode());
    }

    JsonArray all = events(tenant, "?per_page=500");
    assertEquals(300, all.size());
    assertOrdered(all);
    assertEquals(300, new HashSet<>(ids(all)).size());
    assertEquals(IntStream.range(0, 300).mapToObj(i -> "dev-" + i).collect(Collectors.toSet()),
        new HashSet<>(deviceIds(all)));
    int newest = Integer.parseInt(deviceIds(events(tenant, "?per_page=1")).get(0).substring(4));
    int oldest = Integer.parseInt(deviceIds(events(tenant, "?per_page=1&page=300")).get(0).substring(4));
    assertTrue(newest >= 200, "the first page holds an event of the last call: dev-" + newest);
    assertTrue(oldest < 100, "the last page holds an event of the first call: dev-" + oldest);

    for (int perPage : List.of(40, 7, 300)) {
      List<String> pages = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int page = 1; ; page++) {
        JsonArray items = events(tenant, "?page=" + page + "&per_page=" + perPage);
        if (items.isEmpty()) {
          assertEquals((300 + perPage - 1) / perPage + 1, page, "per_page " + perPage + ": pages until empty");
          break;
        }
        assertTrue(items.size() == perPage || pages.size() + items.size() == 300,
            "per_page " + perPage + ", page " + page + ": " + items.size() + " items");
        for (String id : ids(items)) {
          assertTrue(seen.add(id), "per_page " + perPage + ", page " + page + " repeats " + id);
        }
        pages.addAll(ids(items));
      }
      assertEquals(ids(all), pages, "per_page " + perPage + ": the pages, joined, are the whole log in order");
    }
  }

  @Test
  void theIntegrationFilterKeepsEventsWithADeliveryToIt() throws Exception {
    String tenant = tenant();
    UUID a = addIntegration(tenant, "/ok/a/" + tenant);
    assertEquals(202, service.call("DELETE", devices(tenant) + "/e1", null, null).statusCode());
    UUID b = addIntegration(tenant, "/ok/b/" + tenant);
    assertEquals(202, service.call("DELETE", devices(tenant) + "/e2", null, null).statusCode());
    assertEquals(204, service.call("DELETE", MANAGEMENT + "/integrations/" + a, TestService.userToken(tenant), null)
        .statusCode());
    assertEquals(202, service.call("DELETE", devices(tenant) + "/e3", null, null).statusCode());

    assertEquals(List.of("e3", "e2", "e1"), deviceIds(events(tenant, "")), "a deleted integration keeps its events");
    assertEquals(List.of("e2", "e1"), deviceIds(events(tenant, "?integration_id=" + a)));
    assertEquals(List.of("e3", "e2"), deviceIds(events(tenant, "?integration_id=" + b)));
    assertEquals(List.of("e2"), deviceIds(events(tenant, "?integration_id=" + b + "&per_page=1&page=2")));
    assertEquals(List.of(), deviceIds(events(tenant, "?integration_id=" + UUID.randomUUID())));
    assertEquals(List.of(), deviceIds(events(tenant(), "?integration_id=" + b)), "another tenant's filter");
  }

  @Test
  void theLogIsScopedToTheCallersTenant() throws Exception {
    String mine = tenant();
    String theirs = tenant();
    addIntegration(mine, "/ok/" + mine);
    assertEquals(202, service.call("DELETE", devices(mine) + "/d1", null, null).statusCode());
    JsonObject event = events(mine, "").getJsonObject(0);
    String id = event.getString("id");

    assertEquals(new JsonArray(), events(theirs, ""));
    HttpResponse<String> own = get(mine, "/events/" + id);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(withoutVolatileStatus(event), withoutVolatileStatus(new JsonObject(own.body())));
    assertErrorStatus(get(theirs, "/events/" + id), 404);
    assertErrorStatus(get(mine, "/events/" + UUID.randomUUID()), 404);
    assertErrorStatus(get(mine, "/events/not-a-uuid"), 400);
    HttpResponse<String> anonymous = service.call("GET", MANAGEMENT + "/events", null, null);
    assertErrorStatus(anonymous, 401);
  }

  @Test
  void aDeliveryNotAttemptedYetIsPendingWithNoAttempts() throws Exception {
    String tenant = tenant();
    String path = "/hang/" + tenant;
    UUID integration = addIntegration(tenant, path);
    Instant before = Instant.now();
    assertEquals(202, service.call("DELETE", devices(tenant) + "/d1", null, null).statusCode());
    Awaitility.await("the receiver gets the first attempt").atMost(WAIT)
        .until(() -> receiver.received().stream().anyMatch(r -> r.path().equals(path)));

    JsonObject item = events(tenant, "").getJsonObject(0);

    assertEquals(Set.of("id", "type", "data", "time", "delivery_statuses"), item.fieldNames());
    assertEquals("device-decommissioned", item.getString("type"));
    assertEquals(new JsonObject().put("id", "d1"), item.getJsonObject("data"));
    assertTime(item.getString("time"), before);
    JsonObject status = single(item.getJsonArray("delivery_statuses"));
    assertEquals(Set.of("integration_id", "success", "state", "attempts", "next_attempt_at"), status.fieldNames(),
        status.encode());
    assertEquals(integration.toString(), status.getString("integration_id"));
    assertEquals(false, status.getBoolean("success"));
    assertEquals("pending", status.getString("state"));
    assertEquals(0, status.getInteger("attempts"));
    assertTime(status.getString("next_attempt_at"), before);
  }

  @Test
  void aFailedFirstAttemptStaysPendingWithItsErrorAndNextAttempt() throws Exception {
    String tenant = tenant();
    UUID integration = addIntegration(tenant, "/fail/" + tenant);
    assertEquals(202, service.call("DELETE", devices(tenant) + "/d1", null, null).statusCode());

    JsonObject status = awaitAttempts(tenant, 1);

    assertEquals(Set.of("integration_id", "success", "state", "attempts", "next_attempt_at", "status_code", "error"),
        status.fieldNames(), status.encode());
    assertEquals(integration.toString(), status.getString("integration_id"));
    assertEquals(false, status.getBoolean("success"));
    assertEquals("pending", status.getString("state"));
    assertEquals(500, status.getInteger("status_code"));
    assertEquals("client: unexpected status code from API: 500", status.getString("error"));
    assertNextAttemptAbout(status.getString("next_attempt_at"), Duration.ofSeconds(5));
  }

  @Test
  void aTransportErrorIsRecordedWithoutAStatusCode() throws Exception {
    String tenant = tenant();
    String closed = "http://127.0.0.1:" + JarProcess.freePort() + "/nobody";
    Api.addIntegration(service, tenant, closed, null);
    assertEquals(202, service.call("DELETE", devices(tenant) + "/d1", null, null).statusCode());

    JsonObject status = awaitAttempts(tenant, 1);

    assertEquals(Set.of("integration_id", "success", "state", "attempts", "next_attempt_at", "error"),
        status.fieldNames(), status.encode());
    assertEquals("pending", status.getString("state"));
    assertEquals(false, status.getBoolean("success"));
    assertFalse(status.getString("error").isBlank());
    assertNextAttemptAbout(status.getString("next_attempt_at"), Duration.ofSeconds(5));
  }

  @Test
  void aDeliveredStatusIsASuccessWithoutNextAttempt() throws Exception {
    String tenant = tenant();
    UUID integration = addIntegration(tenant, "/ok/" + tenant);
    assertEquals(202, service.call("DELETE", devices(tenant) + "/d1", null, null).statusCode());

    JsonObject status = awaitAttempts(tenant, 1);

    assertEquals(Set.of("integration_id", "success", "state", "attempts", "status_code"), status.fieldNames(),
        status.encode());
    assertEquals(integration.toString(), status.getString("integration_id"));
    assertEquals(true, status.getBoolean("success"));
    assertEquals("delivered", status.getString("state"));
    assertEquals(200, status.getInteger("status_code"));
  }

  // ---------------------------------------------------------------- helpers

  private static UUID addIntegration(String tenant, String receiverPath) throws Exception {
    return Api.addIntegration(service, tenant, receiver.url(receiverPath), null);
  }

  private static JsonArray events(String tenant, String query) throws Exception {
    return Api.events(service, tenant, query);
  }

  private static HttpResponse<String> get(String tenant, String path) throws Exception {
    return service.call("GET", MANAGEMENT + path, TestService.userToken(tenant), null);
  }

  /** The single delivery status of the tenant's single event, once it counts {@code attempts}. */
  private static JsonObject awaitAttempts(String tenant, int attempts) throws Exception {
    return Awaitility.await("a delivery status with " + attempts + " attempt(s)").atMost(WAIT).until(() -> {
      JsonArray events = events(tenant, "");
      if (events.size() != 1) {
        return null;
      }
      JsonObject status = single(events.getJsonObject(0).getJsonArray("delivery_statuses"));
      return status.getInteger("attempts") == attempts ? status : null;
    }, java.util.Objects::nonNull);
  }

  /** A next attempt the first delay of the default schedule away, give or take its jitter. */
  private static void assertNextAttemptAbout(String nextAttemptAt, Duration delay) {
    assertTrue(Api.RFC3339_UTC.matcher(nextAttemptAt).matches(), nextAttemptAt);
    Duration ahead = Duration.between(Instant.now(), Instant.parse(nextAttemptAt));
    assertTrue(ahead.compareTo(delay.multipliedBy(6).dividedBy(5)) <= 0, "next attempt in " + ahead);
    assertTrue(ahead.compareTo(delay.multipliedBy(4).dividedBy(5).minusSeconds(3)) >= 0, "next attempt in " + ahead);
  }

  private static JsonObject single(JsonArray array) {
    assertEquals(1, array.size(), array.encode());
    return array.getJsonObject(0);
  }

  private static void assertOrdered(JsonArray events) {
    List<JsonObject> items = events.stream().map(JsonObject.class::cast).toList();
    List<JsonObject> sorted = new ArrayList<>(items);
    sorted.sort(NEWEST_FIRST);
    assertEquals(ids(sorted), ids(items), "newest first (time, then id, descending)");
  }

  private static List<String> ids(JsonArray events) {
    return ids(events.stream().map(JsonObject.class::cast).toList());
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  private static List<String> deviceIds(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getJsonObject("data").getString("id")).toList();
  }

  /** The item without what the delivery engine may change between two reads. */
  private static JsonObject withoutVolatileStatus(JsonObject item) {
    JsonObject copy = item.copy();
    copy.remove("delivery_statuses");
    return copy;
  }
}
