package io.iotmanager.webhooks.adapter.http.management;

import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.INTEGRATIONS;
import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.ApiCalls;
import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationCommand;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Integration health in {@code GET /integrations} and {@code GET /integrations/{id}}, enabling and bulk
 * recovery, over a real socket in front of fake use cases; every response is checked against the OpenAPI
 * document, and the per-integration metrics are scraped.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class IntegrationHealthRoutesTest {
  static RouteServer service;

  @BeforeAll
  static void start(Vertx vertx) {
    service = RouteServer.start(vertx);
  }

  private static Reply call(String method, String path, String token, String body) {
    return service.call(method, path, token, body);
  }

  @Test
  void getAndListShowTheHealthAfterMendersFieldsAndNoneBeforeTheFirstAttempt() throws Exception {
    String token = Jwts.userToken(ApiCalls.tenant());
    String id = IntegrationRoutesTest.create(service, token, webhook("https://example.com/hook"));
    JsonObject fresh = new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body());
    assertFalse(fresh.containsKey("health"), "never attempted: exactly Mender's shape");

    Instant since = Instant.parse("2024-05-01T10:00:00Z");
    service.useCases.setHealth(UUID.fromString(id), new IntegrationHealth(3, Optional.of(since.minusSeconds(60)),
        Optional.of(since.plusSeconds(120)), Optional.of(since), Optional.empty(), Optional.empty()));
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    assertTrue(got.body().startsWith("{\"id\":\"" + id + "\",\"provider\":\"webhook\",\"credentials\":{\"type\":"
        + "\"http\",\"http\":{\"url\":\"https://example.com/hook\"}},\"health\":{"), got.body());
    JsonObject health = new JsonObject(got.body()).getJsonObject("health");
    assertEquals(new JsonObject().put("status", "failing").put("consecutive_failures", 3)
        .put("last_success_at", "2024-05-01T09:59:00Z").put("last_failure_at", "2024-05-01T10:02:00Z")
        .put("failing_since", "2024-05-01T10:00:00Z"), health);
    JsonArray list = new JsonArray(call("GET", INTEGRATIONS, token, null).body());
    assertEquals(health, list.getJsonObject(0).getJsonObject("health"));

    service.useCases.setHealth(UUID.fromString(id), new IntegrationHealth(3, Optional.empty(),
        Optional.of(since), Optional.of(since), Optional.of(since.plusSeconds(5)), Optional.of("gone")));
    JsonObject disabled = new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body())
        .getJsonObject("health");
    assertEquals("disabled", disabled.getString("status"));
    assertEquals("2024-05-01T10:00:05Z", disabled.getString("disabled_at"));
    assertEquals("gone", disabled.getString("disabled_reason"));
  }

  @Test
  void enableAnswersHowManyEventsItQueuedAnd404ForAnotherTenantsIntegration() throws Exception {
    String token = Jwts.userToken(ApiCalls.tenant());
    String id = IntegrationRoutesTest.create(service, token, webhook("https://example.com/hook"));
    service.useCases.queued = 7;
    Reply enabled = call("POST", INTEGRATIONS + "/" + id + "/enable", token, null);
    assertEquals(200, enabled.statusCode(), enabled.body());
    assertEquals("{\"queued\":7}", enabled.body());
    assertEquals(UUID.fromString(id), service.useCases.last(EnableIntegrationCommand.class).integrationId());

    String other = Jwts.userToken(ApiCalls.tenant());
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + id + "/enable", other, null), 404,
        "integration not found");
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + UUID.randomUUID() + "/enable", token, null), 404,
        "integration not found");
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/not-a-uuid/enable", token, null), 400,
        "integration ID is not a valid UUID");
    assertEquals(401, call("POST", INTEGRATIONS + "/" + id + "/enable", null, null).statusCode());
  }

  @Test
  void recoverPassesTheTimeAndAnswersHowManyItQueued() throws Exception {
    String token = Jwts.userToken(ApiCalls.tenant());
    String id = IntegrationRoutesTest.create(service, token, webhook("https://example.com/hook"));
    service.useCases.queued = 42;
    Reply recovered = call("POST", INTEGRATIONS + "/" + id + "/recover", token,
        "{\"since\":\"2024-05-01T12:00:00+02:00\"}");
    assertEquals(200, recovered.statusCode(), recovered.body());
    assertEquals("{\"queued\":42}", recovered.body());
    RecoverIntegrationCommand command = service.useCases.last(RecoverIntegrationCommand.class);
    assertEquals(Instant.parse("2024-05-01T10:00:00Z"), command.since());
    assertEquals(UUID.fromString(id), command.integrationId());

    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + UUID.randomUUID() + "/recover", token,
        "{\"since\":\"2024-05-01T10:00:00Z\"}"), 404, "integration not found");
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + id + "/recover", Jwts.userToken(ApiCalls.tenant()),
        "{\"since\":\"2024-05-01T10:00:00Z\"}"), 404, "integration not found");
    service.useCases.setHealth(UUID.fromString(id), IntegrationHealth.NONE.afterFailure(Instant.now())
        .disable(Instant.now(), "test"));
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + id + "/recover", token,
        "{\"since\":\"2024-05-01T10:00:00Z\"}"), 409, "integration is disabled");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}|since: cannot be blank",
      "{\"since\":\"\"}|since: cannot be blank",
      "{\"since\":\"yesterday\"}|since: must be an RFC 3339 time, e.g. 2024-01-01T00:00:00Z",
      "{\"since\":\"2024-05-01 10:00:00\"}|since: must be an RFC 3339 time, e.g. 2024-01-01T00:00:00Z",
      "{\"since\":\"2024-05-01T10:00:00\"}|since: must be an RFC 3339 time, e.g. 2024-01-01T00:00:00Z"})
  void recoverWithABadTimeIs400(String body, String message) throws Exception {
    String token = Jwts.userToken(ApiCalls.tenant());
    String id = IntegrationRoutesTest.create(service, token, webhook("https://example.com/hook"));
    ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + id + "/recover", token, body), 400, message);
  }

  @Test
  void recoverWithoutABodyOrWithAWrongTypeIs400() throws Exception {
    String token = Jwts.userToken(ApiCalls.tenant());
    String id = IntegrationRoutesTest.create(service, token, webhook("https://example.com/hook"));
    for (String body : new String[] {null, "[", "{\"since\":5}"}) {
      String message = ApiCalls.assertError(call("POST", INTEGRATIONS + "/" + id + "/recover", token, body), 400,
          null).getString("error");
      assertTrue(message.startsWith("malformed request body: "), message);
    }
  }

  @Test
  void theMetricsShowEachIntegrationsHealthAndCountTransitions() {
    UUID id = UUID.randomUUID();
    Instant since = Instant.parse("2024-05-01T10:00:00Z");
    service.metrics.integrationHealth("t1", id, IntegrationHealth.NONE.afterFailure(since).afterFailure(since
        .plusSeconds(30)));
    service.metrics.healthTransition("failing");
    service.metrics.healthTransition("disabled");
    service.metrics.healthTransition("disabled");
    String scrape = call("GET", "/metrics", null, null).body();
    String tags = "integration_id=\"" + id + "\",tenant_id=\"t1\"";
    assertTrue(scrape.contains("webhook_integration_consecutive_failures{" + tags + "} 2.0"), scrape);
    assertTrue(scrape.contains("webhook_integration_failing_since_timestamp_seconds{" + tags + "} 1.7145576E9"),
        scrape);
    assertTrue(scrape.contains("webhook_integration_last_failure_timestamp_seconds{" + tags + "} 1.71455763E9"),
        scrape);
    assertTrue(scrape.contains("webhook_integration_last_success_timestamp_seconds{" + tags + "} NaN"), scrape);
    assertTrue(scrape.contains("webhook_integration_disabled{" + tags + "} 0.0"), scrape);
    assertTrue(scrape.contains("webhook_integration_transitions_total{transition=\"disabled\"} 2.0"), scrape);
    assertTrue(scrape.contains("webhook_integration_transitions_total{transition=\"failing\"} 1.0"), scrape);
    service.metrics.integrationHealth("t1", id, IntegrationHealth.NONE.afterSuccess(since.plusSeconds(60)));
    String later = call("GET", "/metrics", null, null).body();
    assertTrue(later.contains("webhook_integration_consecutive_failures{" + tags + "} 0.0"), later);
  }
}
