package io.iotmanager.webhooks.adapter.http.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpHeaders;
import java.util.Set;
import java.util.UUID;

/**
 * What the tests of the API say again and again, in one place for the route tests here and bootstrap's
 * end-to-end tests: a fresh tenant, the intake paths of a tenant, and the shape of an API error.
 */
public final class ApiCalls {
  private ApiCalls() {}

  /** A tenant id no other test uses. */
  public static String tenant() {
    return "t-" + UUID.randomUUID();
  }

  /** {@code POST}/{@code DELETE} path of a tenant's devices on the internal API. */
  public static String devices(String tenant) {
    return ApiPaths.INTERNAL + "/tenants/" + tenant + "/devices";
  }

  /** The bulk status-change path of a tenant on the internal API. */
  public static String bulk(String tenant, String status) {
    return ApiPaths.INTERNAL + "/tenants/" + tenant + "/bulk/devices/status/" + status;
  }

  /**
   * An error of docs/wire-contract.md A1: the status, {@code {"error": message, "request_id": id}} and
   * nothing else, JSON in UTF-8, the request id echoed in {@code X-Men-Requestid}; a 401 (and only a 401)
   * names the realm in {@code WWW-Authenticate}. {@code message} null: any message. Returns the body.
   */
  public static JsonObject assertError(int statusCode, String body, HttpHeaders headers, int status, String message) {
    assertEquals(status, statusCode, body);
    assertEquals("application/json; charset=utf-8", headers.firstValue("Content-Type").orElse(null));
    JsonObject json = new JsonObject(body);
    assertEquals(Set.of("error", "request_id"), json.fieldNames(), body);
    if (message != null) {
      assertEquals(message, json.getString("error"));
    }
    String requestId = headers.firstValue("X-Men-Requestid").orElseThrow();
    assertFalse(requestId.isBlank());
    assertEquals(requestId, json.getString("request_id"));
    if (status == 401) {
      assertEquals("Bearer realm=\"ManagementJWT\"", headers.firstValue("WWW-Authenticate").orElse(null));
    } else {
      assertTrue(headers.firstValue("WWW-Authenticate").isEmpty());
    }
    return json;
  }

  /** {@link #assertError(int, String, HttpHeaders, int, String)} of a route test's reply. */
  public static JsonObject assertError(RouteServer.Reply reply, int status, String message) {
    return assertError(reply.statusCode(), reply.body(), reply.headers(), status, message);
  }
}
