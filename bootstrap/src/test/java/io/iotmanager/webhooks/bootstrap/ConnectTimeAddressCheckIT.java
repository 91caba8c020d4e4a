package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connect-time half of the reserved-address rule, end to end: webhooks saved while
 * {@code domain_skipverify} was on (all of them point at a local receiver) are refused when the service
 * runs again with it off. Each attempt fails naming the reserved address, and the receiver sees nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectTimeAddressCheckIT {
  @Test
  void urlsSavedWithTheCheckOffAreRefusedAtConnectTimeOnceItIsOn() throws Exception {
    String db = "it_" + UUID.randomUUID().toString().replace("-", "");
    String dataDir = Files.createTempDirectory("iot-webhooks-it").toString();
    Map<String, String> store = Map.of("mongo_dbname", db, "data_dir", dataDir, "webhooks_retry_schedule", "");
    try (Receiver receiver = Receiver.start()) {
      int port = receiver.port();
      Map<String, String> urlsByTenant = new LinkedHashMap<>();
      for (String url : List.of(
          "http://127.0.0.1:" + port + "/hook",
          "http://localhost:" + port + "/hook",
          "http://[::ffff:127.0.0.1]:" + port + "/hook",
          "http://[2002:7f00:1::]:" + port + "/hook",
          "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:" + port + "/hook")) {
        urlsByTenant.put(Api.tenant(), url);
      }
      Map<String, String> checkOff = new LinkedHashMap<>(store);
      checkOff.put("domain_skipverify", "true");
      try (TestService saving = TestService.start(checkOff)) {
        for (Map.Entry<String, String> entry : urlsByTenant.entrySet()) {
          Api.addIntegration(saving, entry.getKey(), entry.getValue(), "deadbeef");
        }
      }

      Map<String, String> checkOn = new LinkedHashMap<>(store);
      checkOn.put("domain_skipverify", "false");
      try (TestService checking = TestService.start(checkOn)) {
        for (Map.Entry<String, String> entry : urlsByTenant.entrySet()) {
          HttpResponse<String> accepted = checking.call("POST", Api.devices(entry.getKey()), null,
              "{\"id\":\"dev-1\"}");
          assertEquals(202, accepted.statusCode(), accepted.body());
        }
        for (Map.Entry<String, String> entry : urlsByTenant.entrySet()) {
          JsonObject status = Awaitility.await("the attempt to " + entry.getValue()).atMost(Duration.ofSeconds(60))
              .until(() -> {
            JsonArray events = Api.events(checking, entry.getKey(), "");
            if (events.isEmpty()) {
              return null;
            }
            JsonObject delivery = events.getJsonObject(0).getJsonArray("delivery_statuses").getJsonObject(0);
            return "failed".equals(delivery.getString("state")) ? delivery : null;
          }, java.util.Objects::nonNull);
          String error = status.getString("error", "");
          assertTrue(error.contains("is a reserved address"), entry.getValue() + ": " + status.encode());
          assertFalse(status.getBoolean("success"), status.encode());
        }
        assertEquals(List.of(), receiver.received(), "nothing reached the receiver");
      }
    }
  }
}
