package io.iotmanager.webhooks.adapter.http.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.server.HttpApi;
import io.iotmanager.webhooks.adapter.http.server.HttpSettings;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Device ids and tenant ids of the internal API are at most 1 KiB (1,024 bytes of UTF-8): one byte more
 * is a 400 naming the field, and nothing reaches the use case. Over a real socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IntakeIdLimitsIT {
  private static final String BASE = "/api/internal/v1/iot-manager/tenants/";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final List<RecordDeviceEventsCommand> recorded = new CopyOnWriteArrayList<>();
  private static final List<String> deletedTenants = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    IntakeRoutes intake = new IntakeRoutes(
        command -> {
          recorded.add(command);
          return Future.succeededFuture(command.devices().size());
        },
        command -> {
          deletedTenants.add(command.tenantId());
          return Future.succeededFuture();
        },
        Future::succeededFuture,
        DeliveryMetrics.NONE);
    vertx.deployVerticle(HttpApi.serverVerticle(new HttpSettings("127.0.0.1", port, 1024 * 1024), List.of(intake)))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    recorded.clear();
    deletedTenants.clear();
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(HttpResponse<String> response, String message) {
    assertEquals(400, response.statusCode(), response.body());
    assertEquals(message, new JsonObject(response.body()).getString("error"));
    assertTrue(new JsonObject(response.body()).containsKey("request_id"));
  }

  @Test
  void aDeviceIdOfOneKibIsAcceptedAndOneByteMoreIsRefused() throws Exception {
    String atLimit = "d".repeat(1024);
    assertEquals(202, call("POST", BASE + "t1/devices", "{\"id\":\"" + atLimit + "\"}").statusCode());
    assertEquals(1, recorded.size());

    assertRefused(call("POST", BASE + "t1/devices", "{\"id\":\"" + atLimit + "d\"}"),
        "device ID: the length must be no more than 1024 bytes");
    assertRefused(call("POST", BASE + "t1/devices", "{\"id\":\"" + "d".repeat(900 * 1024) + "\"}"),
        "device ID: the length must be no more than 1024 bytes");
    // counted in bytes of UTF-8: 513 two-byte characters are 1,026 bytes
    assertRefused(call("POST", BASE + "t1/devices", "{\"device_id\":\"" + "\u00e9".repeat(513) + "\"}"),
        "device ID: the length must be no more than 1024 bytes");
    assertRefused(call("PUT", BASE + "t1/bulk/devices/status/accepted",
        "[{\"id\":\"ok\"},{\"id\":\"" + atLimit + "d\"}]"), "device ID: the length must be no more than 1024 bytes");
    assertRefused(call("DELETE", BASE + "t1/devices/" + atLimit + "d", null),
        "device ID: the length must be no more than 1024 bytes");
    assertEquals(1, recorded.size(), "nothing refused reached the use case");
  }

  @Test
  void aTenantIdOfOneKibIsAcceptedAndOneByteMoreIsRefused() throws Exception {
    String atLimit = "t".repeat(1024);
    assertEquals(202, call("POST", BASE + atLimit + "/devices", "{\"id\":\"d1\"}").statusCode());
    assertEquals(atLimit, recorded.get(0).tenantId());

    assertRefused(call("POST", BASE + atLimit + "t/devices", "{\"id\":\"d1\"}"),
        "tenant ID: the length must be no more than 1024 bytes");
    assertRefused(call("PUT", BASE + atLimit + "t/bulk/devices/status/accepted", "[{\"id\":\"d1\"}]"),
        "tenant ID: the length must be no more than 1024 bytes");
    assertRefused(call("DELETE", BASE + atLimit + "t/devices/d1", null),
        "tenant ID: the length must be no more than 1024 bytes");
    assertRefused(call("DELETE", BASE + atLimit + "t", null),
        "tenant ID: the length must be no more than 1024 bytes");
    assertEquals(1, recorded.size());
    assertEquals(List.of(), deletedTenants);
  }
}
