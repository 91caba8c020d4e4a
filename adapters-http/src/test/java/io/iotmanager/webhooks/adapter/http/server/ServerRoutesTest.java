package io.iotmanager.webhooks.adapter.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the server adds around the route groups: the OpenAPI documents at their documented URLs (the very
 * files of docs/openapi), the metrics, request ids on the internal API, JSON 404s outside both APIs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ServerRoutesTest {
  static RouteServer service;

  @BeforeAll
  static void start(Vertx vertx) {
    service = RouteServer.start(vertx);
  }

  @Test
  void theOpenApiDocumentsAreServedAsTheyAreInTheRepository() throws Exception {
    for (Map.Entry<String, String> served : Map.of(
        ApiPaths.MANAGEMENT + "/openapi.yaml", "management-v1.yaml",
        ApiPaths.INTERNAL + "/openapi.yaml", "internal-v1.yaml").entrySet()) {
      Reply reply = service.call("GET", served.getKey(), null, null);
      assertEquals(200, reply.statusCode(), reply.body());
      assertEquals("application/yaml; charset=utf-8", reply.headers().firstValue("Content-Type").orElse(null));
      assertEquals(Files.readString(Path.of("..", "docs", "openapi", served.getValue())), reply.body(),
          "the served document is docs/openapi/" + served.getValue());
      assertTrue(reply.body().startsWith("openapi: 3.1.0"), reply.body());
    }
  }

  @Test
  void metricsAreServedAtTheRootAndUnderTheInternalApi() {
    String tenant = "t-" + UUID.randomUUID();
    service.call("POST", ApiPaths.MANAGEMENT + "/integrations", Jwts.userToken(tenant),
        "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"https://x.example/\"}}}");
    assertEquals(202, service.call("PUT", ApiPaths.INTERNAL + "/tenants/" + tenant + "/bulk/devices/status/accepted",
        null, "[{\"id\":\"a\"},{\"id\":\"b\"}]").statusCode());
    for (String path : new String[] {"/metrics", ApiPaths.INTERNAL + "/metrics"}) {
      Reply reply = service.call("GET", path, null, null);
      assertEquals(200, reply.statusCode(), reply.body());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", reply.headers().firstValue("Content-Type").orElse(""));
      assertTrue(reply.body().matches("(?s).*\\nwebhook_intake_events_total [2-9][0-9.E]*\\n.*"), reply.body());
    }
  }

  @Test
  void theInternalApiEchoesTheRequestIdToo() {
    Reply alive = service.callWithHeaders("GET", ApiPaths.INTERNAL + "/alive", Map.of("X-MEN-RequestID", "probe-1"),
        null);
    assertEquals(204, alive.statusCode());
    assertEquals("probe-1", alive.headers().firstValue("X-Men-Requestid").orElse(null));
    Reply refused = service.callWithHeaders("POST", ApiPaths.INTERNAL + "/tenants/t/devices",
        Map.of("X-MEN-RequestID", "intake-1"), "{}");
    assertEquals(400, refused.statusCode());
    assertEquals("intake-1", new JsonObject(refused.body()).getString("request_id"));
    assertEquals("intake-1", refused.headers().firstValue("X-Men-Requestid").orElse(null));
  }

  @Test
  void pathsOutsideBothApisAreJson404s() {
    for (String path : new String[] {"/", "/nothing", "/api/management/v2/iot-manager/integrations"}) {
      Reply reply = service.call("GET", path, null, null);
      assertEquals(404, reply.statusCode(), path);
      assertEquals("not found", new JsonObject(reply.body()).getString("error"));
      assertEquals(new JsonObject(reply.body()).getString("request_id"),
          reply.headers().firstValue("X-Men-Requestid").orElse(null));
    }
  }
}
