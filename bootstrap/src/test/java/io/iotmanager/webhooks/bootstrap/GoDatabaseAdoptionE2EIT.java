package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.INTEGRATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Adoption in place end to end (docs/wire-contract.md A9): integrations and events written into the service's database as
 * Mender's Go iot-manager writes them (BinData ids, secrets as {@code {algorithm, data}} encrypted under
 * the key or the fallback key, an iot-hub integration, a delivered event in {@code log}) are listed over
 * HTTP by their ids, delivered to with signatures from their stored secrets, and their events shown with
 * their old outcomes. The documents are written with a client of the test's own, independently of the
 * service's code; the AES-256-CFB + HMAC-SHA512 blob is built here with the JDK, as the Go code builds it.
 */
class GoDatabaseAdoptionE2EIT {
  private static final String ALGORITHM = "AES_256_CFB_HMAC_SHA512";

  static JsonObject bin4(UUID id) {
    return new JsonObject().put("$binary", ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits()).array()).put("$type", 4);
  }

  /** The Go service's {@code encrypt}: {@code 0x01 || IV || AES-256-CFB(key, IV, data) || HMAC-SHA512(key, data)}. */
  static byte[] goEncrypt(byte[] key, byte[] data) throws Exception {
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(iv);
    Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    byte[] ciphertext = aes.doFinal(data);
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key, "HmacSHA512"));
    return ByteBuffer.allocate(1 + 16 + ciphertext.length + 64).put((byte) 1).put(iv).put(ciphertext)
        .put(mac.doFinal(data)).array();
  }

  static JsonObject cryptoString(byte[] data) {
    return new JsonObject().put("algorithm", ALGORITHM).put("data", new JsonObject().put("$binary", data).put("$type", 0));
  }

  static JsonObject goWebhook(UUID id, String tenant, String url, byte[] secretData) {
    return new JsonObject().put("_id", bin4(id)).put("tenant_id", tenant).put("provider", "webhook")
        .put("credentials", new JsonObject().put("type", "http")
            .put("http", new JsonObject().put("url", url).put("secret", cryptoString(secretData))));
  }

  @Test
  void goWrittenIntegrationsAreListedAndDeliveredToWithTheirStoredSecretsAndGoEventsShow() throws Exception {
    byte[] key = new byte[32];
    byte[] oldKey = new byte[32];
    new SecureRandom().nextBytes(key);
    new SecureRandom().nextBytes(oldKey);
    String tenantA = "a-" + UUID.randomUUID();
    String tenantB = "b-" + UUID.randomUUID();
    String hubTenant = "h-" + UUID.randomUUID();
    UUID idA = UUID.randomUUID();
    UUID idB = UUID.randomUUID();
    UUID hubId = UUID.randomUUID();
    UUID goEvent = UUID.randomUUID();
    String secretA = "a1b2c3d4";
    String secretB = "0badcafe";
    Instant eventTime = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);

    try (Receiver receiver = Receiver.start();
         TestService service = TestService.start(Map.of(
             "aes_encryption_key", Base64.getEncoder().encodeToString(key),
             "aes_encryption_fallback_key", Base64.getEncoder().encodeToString(oldKey)))) {
      Vertx vertx = Vertx.vertx();
      try {
        MongoClient raw = MongoClient.create(vertx, new JsonObject().put("connection_string", storeUrl(service))
            .put("db_name", service.config.mongoDbName()));
        raw.insert("integrations", goWebhook(idA, tenantA, receiver.url("/a"),
            goEncrypt(key, HexFormat.of().parseHex(secretA)))).await(30, TimeUnit.SECONDS);
        raw.insert("integrations", goWebhook(idB, tenantB, receiver.url("/b"),
            goEncrypt(oldKey, HexFormat.of().parseHex(secretB)))).await(30, TimeUnit.SECONDS);
        raw.insert("integrations", new JsonObject().put("_id", bin4(hubId)).put("tenant_id", hubTenant)
            .put("provider", "iot-hub").put("credentials", new JsonObject().put("type", "sas")
                .put("connection_string", cryptoString(goEncrypt(key,
                    "HostName=h;SharedAccessKey=c2VjcmV0".getBytes(StandardCharsets.UTF_8))))))
            .await(30, TimeUnit.SECONDS);
        raw.insert("log", new JsonObject().put("_id", bin4(goEvent)).put("type", "device-decommissioned")
            .put("data", new JsonObject().put("id", "dev-old"))
            .put("event_ts", new JsonObject().put("$date", eventTime.toString())).put("tenant_id", tenantA)
            .put("expire_ts", new JsonObject().put("$date", eventTime.plus(7, ChronoUnit.DAYS).toString()))
            .put("status", new JsonArray().add(new JsonObject().put("integration_id", bin4(idA)).put("success", true)
                .put("status", 200)))).await(30, TimeUnit.SECONDS);

        // listed and read by the Go service's ids, secrets <omitted>
        String tokenA = TestService.userToken(tenantA);
        HttpResponse<String> list = service.call("GET", INTEGRATIONS, tokenA, null);
        assertEquals(200, list.statusCode(), list.body());
        assertEquals(new JsonArray().add(new JsonObject().put("id", idA.toString()).put("provider", "webhook")
            .put("credentials", new JsonObject().put("type", "http").put("http", new JsonObject()
                .put("url", receiver.url("/a")).put("secret", "<omitted>")))),
            new JsonArray(list.body()).stream().map(o -> {
              JsonObject copy = ((JsonObject) o).copy();
              copy.remove("description");
              return copy;
            }).collect(JsonArray::new, JsonArray::add, JsonArray::addAll));
        assertEquals(200, service.call("GET", INTEGRATIONS + "/" + idA, tokenA, null).statusCode());
        HttpResponse<String> hub = service.call("GET", INTEGRATIONS, TestService.userToken(hubTenant), null);
        assertEquals(200, hub.statusCode(), hub.body());
        assertTrue(hub.body().contains(hubId.toString()), hub.body());
        assertFalse(hub.body().contains("c2VjcmV0"), hub.body());

        // delivered, signed with the secret stored under the key and under the fallback key
        for (String tenant : List.of(tenantA, tenantB)) {
          HttpResponse<String> intake = service.call("POST", TestService.INTERNAL + "/tenants/" + tenant + "/devices",
              (String) null, "{\"id\":\"dev-new\",\"status\":\"pending\"}");
          assertEquals(202, intake.statusCode(), intake.body());
        }
        Receiver.Received second = SecretsAtRestIT.awaitRequest(receiver, 2);
        for (Receiver.Received webhook : List.of(receiver.received().get(0), second)) {
          String secret = webhook.path().equals("/a") ? secretA : secretB;
          assertEquals(SecretsAtRestIT.hmacHex(secret, webhook.body()), webhook.headers().get("x-men-signature"),
              webhook.path());
        }

        // the Go service's event with its old outcome, beside the new one
        HttpResponse<String> events = service.call("GET", TestService.MANAGEMENT + "/events", tokenA, null);
        assertEquals(200, events.statusCode(), events.body());
        JsonArray items = new JsonArray(events.body());
        JsonObject old = items.stream().map(JsonObject.class::cast)
            .filter(e -> goEvent.toString().equals(e.getString("id"))).findFirst().orElseThrow(() ->
                new AssertionError(events.body()));
        assertEquals("device-decommissioned", old.getString("type"));
        assertEquals("dev-old", old.getJsonObject("data").getString("id"));
        JsonObject status = old.getJsonArray("delivery_statuses").getJsonObject(0);
        assertEquals(idA.toString(), status.getString("integration_id"));
        assertEquals(true, status.getBoolean("success"));
        assertEquals(200, status.getInteger("status_code"));
        assertEquals(2, items.size(), events.body());
        raw.close().await(30, TimeUnit.SECONDS);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The store, for a client of the test's own: MongoDB only. The embedded store serves only the service's
   * own client (README, Stores: private to the process); adoption on it is covered by adapters-mongo's
   * GoDatabaseAdoptionIT.
   */
  static String storeUrl(TestService service) {
    Assumptions.assumeTrue(TestService.realMongo(), "another process's client reaches MongoDB only");
    return System.getenv("IOT_MANAGER_MONGO_URL");
  }
}
