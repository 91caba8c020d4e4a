package io.iotmanager.webhooks.bootstrap;

import static io.iotmanager.webhooks.bootstrap.TestService.MANAGEMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.ApiCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/** Paths, bodies and assertions shared by the HTTP-level ITs of intake and the events log. */
final class Api {
  /** RFC 3339 in UTC, up to nine fraction digits, no trailing zero (Go's RFC3339Nano). */
  static final Pattern RFC3339_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{0,8}[1-9])?Z");

  private Api() {}

  static String tenant() {
    return ApiCalls.tenant();
  }

  static String devices(String tenant) {
    return ApiCalls.devices(tenant);
  }

  static String bulk(String tenant, String status) {
    return ApiCalls.bulk(tenant, status);
  }

  static String integrationJson(String url, String secret) {
    JsonObject http = new JsonObject().put("url", url);
    if (secret != null) {
      http.put("secret", secret);
    }
    return new JsonObject().put("provider", "webhook")
        .put("credentials", new JsonObject().put("type", "http").put("http", http)).encode();
  }

  /** Creates a webhook integration of {@code tenant}; returns its id. */
  static UUID addIntegration(TestService service, String tenant, String url, String secret) throws Exception {
    HttpResponse<String> created = service.call("POST", MANAGEMENT + "/integrations", TestService.userToken(tenant),
        integrationJson(url, secret));
    assertEquals(201, created.statusCode(), created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
  }

  /** GET /events{query} as a user of {@code tenant}; must answer 200. */
  static JsonArray events(TestService service, String tenant, String query) throws Exception {
    HttpResponse<String> reply = service.call("GET", MANAGEMENT + "/events" + query, TestService.userToken(tenant),
        null);
    assertEquals(200, reply.statusCode(), reply.body());
    return new JsonArray(reply.body());
  }

  static JsonArray integrations(TestService service, String tenant) throws Exception {
    HttpResponse<String> reply = service.call("GET", MANAGEMENT + "/integrations", TestService.userToken(tenant),
        null);
    assertEquals(200, reply.statusCode(), reply.body());
    return new JsonArray(reply.body());
  }

  static void assertTime(String time, Instant notBefore) {
    assertNotNull(time);
    assertTrue(RFC3339_UTC.matcher(time).matches(), "RFC 3339 UTC: " + time);
    Instant at = Instant.parse(time);
    assertFalse(at.isBefore(notBefore.minusSeconds(1)), time + " is before the call");
    assertFalse(at.isAfter(Instant.now().plusSeconds(1)), time + " is in the future");
  }

  static String errorOf(HttpResponse<String> reply) {
    return new JsonObject(reply.body()).getString("error");
  }

  /** An error answer of docs/wire-contract.md A1: the status, JSON {error, request_id}, the request id echoed. */
  static void assertErrorStatus(HttpResponse<String> reply, int status) {
    JsonObject body = ApiCalls.assertError(reply.statusCode(), reply.body(), reply.headers(), status, null);
    assertFalse(body.getString("error").isBlank());
  }

  /** As {@link #assertErrorStatus}, with this message unless {@code message} is null; returns the body. */
  static JsonObject assertError(HttpResponse<String> reply, int status, String message) {
    assertErrorStatus(reply, status);
    if (message != null) {
      assertEquals(message, errorOf(reply), reply.body());
    }
    return new JsonObject(reply.body());
  }

  /** An error whose message starts with {@code prefix}. */
  static String assertErrorStartingWith(HttpResponse<String> reply, int status, String prefix) {
    String message = assertError(reply, status, null).getString("error");
    assertTrue(message.startsWith(prefix), "\"" + message + "\" should start with \"" + prefix + "\"");
    return message;
  }

  static final String INTEGRATIONS = MANAGEMENT + "/integrations";

  static String webhook(String url) {
    return integrationJson(url, null);
  }

  static String webhook(String url, String secret, String description) {
    return new JsonObject(integrationJson(url, secret)).put("description", description).encode();
  }

  /** Creates an integration and returns its id, asserting 201, the empty body and the Location. */
  static String create(TestService on, String token, String body) throws Exception {
    HttpResponse<String> created = on.call("POST", INTEGRATIONS, token, body);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("", created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith(INTEGRATIONS + "/"), location);
    return location.substring(location.lastIndexOf('/') + 1);
  }
}
