package io.iotmanager.webhooks.adapter.http.management;

import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.assertError;
import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.tenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.EventsQuery;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The events log of the management API (docs/openapi/management-v1.yaml): paging and its errors, the
 * integration filter, the shape of an event with its delivery state, attempts, redelivery, bad ids and
 * unknown events; over a socket, in front of fake use cases, every response checked against the document.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class EventRoutesTest {
  static final String EVENTS = ApiPaths.MANAGEMENT + "/events";
  static final Instant TIME = Instant.parse("2024-05-06T07:08:09.123456789Z");
  static RouteServer service;

  @BeforeAll
  static void start(Vertx vertx) {
    service = RouteServer.start(vertx);
  }

  /** A stored event of {@code tenant}, pending for {@code integration}, with these attempts. */
  static EventRecord stored(String tenant, UUID integration, List<Attempt> attempts) {
    EventRecord record = record(tenant, List.of(DeliveryStatus.pending(integration, TIME)));
    service.useCases.addEvent(record, attempts);
    return record;
  }

  static EventRecord record(String tenant, List<DeliveryStatus> deliveries) {
    UUID id = UUID.randomUUID();
    Event event = Event.create(id, tenant, EventType.DEVICE_STATUS_CHANGED, "dev-1",
        new JsonText("{\"id\":\"dev-1\",\"status\":\"accepted\"}"), TIME);
    return new EventRecord(event, deliveries);
  }

  @Test
  void listDefaultsToTheFirstPageOfTwentyInTheCallersTenant() {
    String tenant = tenant();
    Reply reply = service.call("GET", EVENTS, Jwts.userToken(tenant), null);
    assertEquals(200, reply.statusCode(), reply.body());
    assertEquals("[]", reply.body());
    assertTrue(reply.headers().firstValue("Link").isEmpty(), "no pagination headers");
    assertEquals(new EventsQuery(tenant, 1, 20, Optional.empty()), service.useCases.last(EventsQuery.class));

    UUID integration = UUID.randomUUID();
    service.call("GET", EVENTS + "?page=3&per_page=500&integration_id=" + integration, Jwts.userToken(tenant), null);
    assertEquals(new EventsQuery(tenant, 3, 500, Optional.of(integration)), service.useCases.last(EventsQuery.class));
    service.call("GET", EVENTS + "?page=&per_page=&integration_id=", Jwts.userToken(tenant), null);
    assertEquals(new EventsQuery(tenant, 1, 20, Optional.empty()), service.useCases.last(EventsQuery.class),
        "empty parameters are absent ones");
  }

  @Test
  void everyQueryErrorIsA400WithItsMessageAndReachesNoUseCase() {
    String tenant = tenant();
    Map<String, String> refusals = Map.ofEntries(
        Map.entry("?page=x", "invalid page query: \"x\""),
        Map.entry("?page=1.5", "invalid page query: \"1.5\""),
        Map.entry("?page=99999999999999999999", "invalid page query: \"99999999999999999999\""),
        Map.entry("?page=0", "invalid page query: value must be a non-zero positive integer"),
        Map.entry("?page=-3", "invalid page query: value must be a non-zero positive integer"),
        Map.entry("?per_page=x", "invalid per_page query: \"x\""),
        Map.entry("?per_page=0", "invalid per_page query: value must be a non-zero positive integer"),
        Map.entry("?per_page=-1", "invalid per_page query: value must be a non-zero positive integer"),
        Map.entry("?per_page=501", "parameter \"per_page\" above limit (max: 500)"),
        Map.entry("?per_page=100000", "parameter \"per_page\" above limit (max: 500)"),
        Map.entry("?integration_id=nope", "integration ID is not a valid UUID"),
        Map.entry("?integration_id=" + UUID.randomUUID() + "0", "integration ID is not a valid UUID"),
        Map.entry("?page=1&per_page=20&integration_id=1-2-3-4-5", "integration ID is not a valid UUID"));
    int before = service.useCases.all(EventsQuery.class).size();
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      assertError(service.call("GET", EVENTS + refusal.getKey(), Jwts.userToken(tenant), null), 400,
          refusal.getValue());
    }
    assertEquals(before, service.useCases.all(EventsQuery.class).size());
    Reply farAway = service.call("GET", EVENTS + "?page=2147483647&per_page=500", Jwts.userToken(tenant), null);
    assertEquals(200, farAway.statusCode(), "far past the end is an empty page: " + farAway.body());
  }

  @Test
  void anEventShowsItsBodyAndEveryDeliveryState() {
    String tenant = tenant();
    UUID pending = UUID.randomUUID();
    UUID retrying = UUID.randomUUID();
    UUID transport = UUID.randomUUID();
    UUID delivered = UUID.randomUUID();
    UUID failed = UUID.randomUUID();
    Instant next = Instant.parse("2024-05-06T07:09:00Z");
    EventRecord record = record(tenant, List.of(
        DeliveryStatus.pending(pending, next),
        new DeliveryStatus(retrying, DeliveryState.PENDING, 1, Optional.of(500),
            Optional.of("client: unexpected status code from API: 500"), Optional.of(next)),
        new DeliveryStatus(transport, DeliveryState.PENDING, 2, Optional.empty(),
            Optional.of("connection refused"), Optional.of(next)),
        new DeliveryStatus(delivered, DeliveryState.DELIVERED, 3, Optional.of(204), Optional.empty(),
            Optional.of(next)),
        new DeliveryStatus(failed, DeliveryState.FAILED, 8, Optional.of(410),
            Optional.of("client: unexpected status code from API: 410"), Optional.of(next))));
    service.useCases.addEvent(record, List.of());
    String id = record.event().id().toString();

    Reply one = service.call("GET", EVENTS + "/" + id, Jwts.userToken(tenant), null);
    assertEquals(200, one.statusCode(), one.body());
    assertEquals("{\"id\":\"" + id + "\",\"type\":\"device-status-changed\",\"data\":{\"id\":\"dev-1\","
        + "\"status\":\"accepted\"},\"time\":\"2024-05-06T07:08:09.123456789Z\",\"delivery_statuses\":["
        + "{\"integration_id\":\"" + pending + "\",\"success\":false,\"state\":\"pending\",\"attempts\":0,"
        + "\"next_attempt_at\":\"2024-05-06T07:09:00Z\"},"
        + "{\"integration_id\":\"" + retrying + "\",\"success\":false,\"status_code\":500,"
        + "\"error\":\"client: unexpected status code from API: 500\",\"state\":\"pending\",\"attempts\":1,"
        + "\"next_attempt_at\":\"2024-05-06T07:09:00Z\"},"
        + "{\"integration_id\":\"" + transport + "\",\"success\":false,\"error\":\"connection refused\","
        + "\"state\":\"pending\",\"attempts\":2,\"next_attempt_at\":\"2024-05-06T07:09:00Z\"},"
        + "{\"integration_id\":\"" + delivered + "\",\"success\":true,\"status_code\":204,\"state\":\"delivered\","
        + "\"attempts\":3},"
        + "{\"integration_id\":\"" + failed + "\",\"success\":false,\"status_code\":410,"
        + "\"error\":\"client: unexpected status code from API: 410\",\"state\":\"failed\",\"attempts\":8}]}",
        one.body(), "next_attempt_at only while pending; status_code and error only when known");
    assertEquals(new EventQuery(tenant, record.event().id()), service.useCases.last(EventQuery.class));

    JsonArray list = new JsonArray(service.call("GET", EVENTS, Jwts.userToken(tenant), null).body());
    assertEquals(new JsonArray().add(new JsonObject(one.body())), list);
    JsonArray filtered = new JsonArray(service.call("GET", EVENTS + "?integration_id=" + failed,
        Jwts.userToken(tenant), null).body());
    assertEquals(1, filtered.size());
    assertEquals("[]", service.call("GET", EVENTS + "?integration_id=" + UUID.randomUUID(),
        Jwts.userToken(tenant), null).body());
  }

  @Test
  void attemptsAreListedOldestFirstWithTheirOutcome() {
    String tenant = tenant();
    UUID integration = UUID.randomUUID();
    EventRecord record = stored(tenant, integration, List.of(
        new Attempt(integration, 1, Instant.parse("2024-05-06T07:08:10Z"), Optional.empty(),
            Optional.of("timeout"), 10000, AttemptTrigger.AUTO),
        new Attempt(integration, 2, Instant.parse("2024-05-06T07:08:15.5Z"), Optional.of(200), Optional.empty(),
            12, AttemptTrigger.MANUAL)));
    Reply attempts = service.call("GET", EVENTS + "/" + record.event().id() + "/attempts", Jwts.userToken(tenant),
        null);
    assertEquals(200, attempts.statusCode(), attempts.body());
    assertEquals("[{\"integration_id\":\"" + integration + "\",\"attempt\":1,\"time\":\"2024-05-06T07:08:10Z\","
        + "\"error\":\"timeout\",\"duration_ms\":10000,\"trigger\":\"auto\"},"
        + "{\"integration_id\":\"" + integration + "\",\"attempt\":2,\"time\":\"2024-05-06T07:08:15.5Z\","
        + "\"status_code\":200,\"duration_ms\":12,\"trigger\":\"manual\"}]", attempts.body());
  }

  @Test
  void redeliveryIsAcceptedForTheEventOrOneOfItsIntegrations() {
    String tenant = tenant();
    UUID integration = UUID.randomUUID();
    EventRecord record = stored(tenant, integration, List.of());
    String path = EVENTS + "/" + record.event().id() + "/redeliver";

    Reply all = service.call("POST", path, Jwts.userToken(tenant), null);
    assertEquals(202, all.statusCode(), all.body());
    assertEquals("", all.body());
    assertEquals(new RedeliverEventCommand(tenant, record.event().id(), Optional.empty()),
        service.useCases.last(RedeliverEventCommand.class));
    assertEquals(202, service.call("POST", path, Jwts.userToken(tenant), "{}").statusCode());
    assertEquals(202, service.call("POST", path, Jwts.userToken(tenant), "{\"integration_id\":\"\"}").statusCode());
    assertEquals(new RedeliverEventCommand(tenant, record.event().id(), Optional.empty()),
        service.useCases.last(RedeliverEventCommand.class));

    Reply one = service.call("POST", path, Jwts.userToken(tenant), "{\"integration_id\":\"" + integration + "\"}");
    assertEquals(202, one.statusCode(), one.body());
    assertEquals(new RedeliverEventCommand(tenant, record.event().id(), Optional.of(integration)),
        service.useCases.last(RedeliverEventCommand.class));

    assertError(service.call("POST", path, Jwts.userToken(tenant), "{\"integration_id\":\"" + UUID.randomUUID()
        + "\"}"), 404, "integration not found for this event");
    assertError(service.call("POST", path, Jwts.userToken(tenant), "{\"integration_id\":\"nope\"}"), 400,
        "integration ID is not a valid UUID");
    String malformed = IntegrationRoutesTest.assertError(service.call("POST", path, Jwts.userToken(tenant),
        "{\"integration_id\":5}"), 400, null).getString("error");
    assertTrue(malformed.startsWith("malformed request body: "), malformed);
  }

  @Test
  void unknownAndForeignEventsAreNotFoundAndBadIdsAreRefused() {
    String tenant = tenant();
    EventRecord record = stored(tenant, UUID.randomUUID(), List.of());
    String stranger = Jwts.userToken(tenant());
    for (String suffix : List.of("", "/attempts")) {
      assertError(service.call("GET", EVENTS + "/" + record.event().id() + suffix, stranger, null), 404,
          "event not found");
      assertError(service.call("GET", EVENTS + "/" + UUID.randomUUID() + suffix, Jwts.userToken(tenant), null), 404,
          "event not found");
      for (String bad : List.of("nope", "1234", UUID.randomUUID() + "0")) {
        assertError(service.call("GET", EVENTS + "/" + bad + suffix, Jwts.userToken(tenant), null), 400,
            "event ID is not a valid UUID");
      }
    }
    assertError(service.call("POST", EVENTS + "/" + record.event().id() + "/redeliver", stranger, null), 404,
        "event not found");
    assertError(service.call("POST", EVENTS + "/nope/redeliver", stranger, null), 400, "event ID is not a valid UUID");
    assertFalse(service.call("GET", EVENTS, stranger, null).body().contains(record.event().id().toString()));
  }

  @Test
  void theEventsRoutesNeedAUserToken() {
    String device = Jwts.token("{\"sub\":\"d\",\"mender.device\":true}");
    for (String path : List.of(EVENTS, EVENTS + "/" + UUID.randomUUID(), EVENTS + "/" + UUID.randomUUID()
        + "/attempts")) {
      assertError(service.call("GET", path, null, null), 401, "Authorization not present in header");
      assertError(service.call("GET", path, device, null), 403, "user identity missing from authorization token");
    }
    assertError(service.call("POST", EVENTS + "/" + UUID.randomUUID() + "/redeliver", null, null), 401, null);
    assertError(service.call("DELETE", EVENTS, Jwts.userToken(tenant()), null), 405, "method not allowed");
  }

  @Test
  void aStoreOutageIs503WithItsMessage() {
    service.useCases.failNext(new ApplicationException.StoreUnavailable("store unavailable: cannot read events",
        new RuntimeException("timeout")));
    assertError(service.call("GET", EVENTS, Jwts.userToken(tenant()), null), 503,
        "store unavailable: cannot read events");
  }
}
