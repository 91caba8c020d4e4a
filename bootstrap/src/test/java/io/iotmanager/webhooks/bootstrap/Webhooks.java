package io.iotmanager.webhooks.bootstrap;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Management and intake calls, condition waits and HMACs shared by the delivery ITs. */
final class Webhooks {
  private Webhooks() {}

  /** Creates a webhook integration of the token's tenant; returns its id. */
  static String createWebhook(TestService service, String token, String url, String secretHex) throws Exception {
    JsonObject http = new JsonObject().put("url", url);
    if (secretHex != null) {
      http.put("secret", secretHex);
    }
    String body = new JsonObject().put("provider", "webhook")
        .put("credentials", new JsonObject().put("type", "http").put("http", http)).encode();
    HttpResponse<String> created = service.call("POST", TestService.MANAGEMENT + "/integrations", token, body);
    assertEquals(201, created.statusCode(), created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Replaces the credentials of an integration. */
  static void setCredentials(TestService service, String token, String id, String url, String secretHex)
      throws Exception {
    JsonObject http = new JsonObject().put("url", url);
    if (secretHex != null) {
      http.put("secret", secretHex);
    }
    HttpResponse<String> put = service.call("PUT", TestService.MANAGEMENT + "/integrations/" + id + "/credentials",
        token, new JsonObject().put("type", "http").put("http", http).encode());
    assertEquals(204, put.statusCode(), put.body());
  }

  /** Reports a decommissioned device through the internal API: one {@code device-decommissioned} event. */
  static void decommission(TestService service, String tenant, String device) throws Exception {
    HttpResponse<String> accepted = service.call("DELETE",
        TestService.INTERNAL + "/tenants/" + tenant + "/devices/" + device, null, null);
    assertEquals(202, accepted.statusCode(), accepted.body());
  }

  /** Reports a status change of {@code count} devices: as many events, in calls of at most 100 devices. */
  static void statusChanged(TestService service, String tenant, String prefix, int count) throws Exception {
    for (int from = 0; from < count; from += 100) {
      JsonArray devices = new JsonArray();
      for (int i = from; i < Math.min(count, from + 100); i++) {
        devices.add(new JsonObject().put("id", prefix + i));
      }
      HttpResponse<String> accepted = service.call("PUT",
          TestService.INTERNAL + "/tenants/" + tenant + "/bulk/devices/status/accepted", null, devices.encode());
      assertEquals(202, accepted.statusCode(), accepted.body());
    }
  }

  static JsonObject event(TestService service, String token, String id) throws Exception {
    HttpResponse<String> got = service.call("GET", TestService.MANAGEMENT + "/events/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    return new JsonObject(got.body());
  }

  /** The event's only delivery status. */
  static JsonObject status(TestService service, String token, String id) throws Exception {
    JsonArray statuses = event(service, token, id).getJsonArray("delivery_statuses");
    assertEquals(1, statuses.size(), statuses.encode());
    return statuses.getJsonObject(0);
  }

  static JsonArray attempts(TestService service, String token, String id) throws Exception {
    HttpResponse<String> got = service.call("GET", TestService.MANAGEMENT + "/events/" + id + "/attempts", token,
        null);
    assertEquals(200, got.statusCode(), got.body());
    return new JsonArray(got.body());
  }

  /** A condition that may throw (an API call). */
  interface Check {
    boolean holds() throws Exception;
  }

  /** Waits until {@code check} holds, polling; fails with {@code what} when the deadline passes first. */
  static void await(Duration within, String what, Check check) throws Exception {
    await(within, () -> what, check);
  }

  /** As {@link #await(Duration, String, Check)}, the message computed when it fails. */
  static void await(Duration within, Supplier<String> what, Check check) throws Exception {
    try {
      Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(20)).until(check::holds);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + within + ": " + what.get(), e);
    }
  }

  /** Waits until the delivery status of the event has {@code state}; returns it. */
  static JsonObject awaitState(TestService service, String token, String id, String state, Duration within)
      throws Exception {
    JsonObject[] last = new JsonObject[1];
    await(within, () -> "event " + id + " in state " + state + " (last seen: " + last[0] + ")", () -> {
          last[0] = status(service, token, id);
          return state.equals(last[0].getString("state"));
        });
    return last[0];
  }

  /** Checks that {@code check} keeps holding for {@code period} (e.g. that no further request arrives). */
  static void assertStays(Duration period, String what, BooleanSupplier check) throws Exception {
    try {
      Awaitility.await().pollInterval(Duration.ofMillis(20)).during(period).atMost(period.plusSeconds(5))
          .until(check::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("stopped holding within " + period + ": " + what, e);
    }
  }

  static byte[] hmacSha256(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
