package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.INTEGRATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest (docs/wire-contract.md A3, A7, A9) through the whole service: with {@code aes_encryption_key} the stored
 * document holds an AES blob ({@code {algorithm, data}}, as the Go service stores it), never the secret; the webhook is still signed with the secret; and no log
 * line carries it. The raw document is read with a MongoDB client of its own, on either store.
 */
class SecretsAtRestIT {

  private final List<TestService> started = new java.util.ArrayList<>();

  static String newAesKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  static String newSecretHex() {
    byte[] secret = new byte[20];
    new SecureRandom().nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  static String hmacHex(String secretHex, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(secretHex), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Starts the jar with the log at DEBUG (the access log included); its log is read by {@link #loggedText}. */
  TestService start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("log_level", "DEBUG");
    TestService service = TestService.start(all);
    started.add(service);
    return service;
  }

  /** Everything the services of this test logged (each jar's whole output: messages and exceptions). */
  String loggedText() throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    for (TestService service : started) {
      text.append(service.jar.output()).append('\n');
    }
    return text.toString();
  }

  static void assertNoSecret(String text, String secretHex, String where) {
    assertFalse(text.toLowerCase(Locale.ROOT).contains(secretHex.toLowerCase(Locale.ROOT)),
        "the secret appears in " + where);
  }

  /** The stored integration document, read with a client of the test's own. */
  static JsonObject rawIntegration(TestService service, String id) throws Exception {
    // the embedded store serves only the service's own client (README, Stores: private to the process), so
    // a client of the test's own can read the raw document on MongoDB only; on the embedded store the
    // stored form is checked by adapters-mongo's SecretEncryptionIT
    Assumptions.assumeTrue(TestService.realMongo(), "raw documents are readable by another process on MongoDB only");
    String url = System.getenv("IOT_MANAGER_MONGO_URL");
    Vertx vertx = Vertx.vertx();
    try {
      MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", url)
          .put("db_name", service.config.mongoDbName()));
      try {
        UUID uuid = UUID.fromString(id);
        byte[] binary = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits()).array();
        JsonObject bin4 = new JsonObject().put("$binary", binary).put("$type", 4); // as the Go service stores ids
        return client.findOne("integrations", new JsonObject().put("_id", bin4), null).await(30, TimeUnit.SECONDS);
      } finally {
        client.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static Receiver.Received awaitRequest(Receiver receiver, int count) {
    return Awaitility.await("webhook #" + count).atMost(Duration.ofSeconds(30))
        .until(receiver::received, received -> received.size() >= count).get(count - 1);
  }

  @Test
  void withAKeyTheSecretIsStoredEncryptedStillSignsAndIsNeverLogged() throws Exception {
    String secretHex = newSecretHex();
    String tenant = "t-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    try (Receiver receiver = Receiver.start()) {
      Path dataDir;
      String id;
      try (TestService service = start(Map.of("aes_encryption_key", newAesKey()))) {
        dataDir = service.config.dataDir();
        id = Api.create(service, token, Api.webhook(receiver.url("/hook"),
            secretHex.toUpperCase(Locale.ROOT), "encrypted"));

        JsonObject document = rawIntegration(service, id);
        assertNotNull(document, "the integration document");
        assertNoSecret(document.encode(), secretHex, "the stored document");
        JsonObject stored = assertInstanceOf(JsonObject.class,
            document.getJsonObject("credentials").getJsonObject("http").getValue("secret"), document.encode());
        assertEquals("AES_256_CFB_HMAC_SHA512", stored.getString("algorithm"), stored.encode());
        byte[] blob = stored.getJsonObject("data").getBinary("$binary");
        assertEquals(0x01, blob[0], "format version");
        assertEquals(1 + 16 + 20 + 64, blob.length, "0x01 || IV(16) || ciphertext || HMAC-SHA512");
        assertNoSecret(HexFormat.of().formatHex(blob), secretHex, "the blob");
        assertEquals(receiver.url("/hook"), document.getJsonObject("credentials").getJsonObject("http")
            .getString("url"));

        HttpResponse<String> got = service.call("GET", INTEGRATIONS + "/" + id, token, null);
        assertEquals(200, got.statusCode(), got.body());
        assertTrue(got.body().contains("\"secret\":\"<omitted>\""), got.body());

        HttpResponse<String> intake = service.call("POST", TestService.INTERNAL + "/tenants/" + tenant + "/devices",
            (String) null, "{\"id\":\"dev-1\",\"status\":\"pending\"}");
        assertEquals(202, intake.statusCode(), intake.body());
        Receiver.Received webhook = awaitRequest(receiver, 1);
        assertEquals(hmacHex(secretHex, webhook.body()), webhook.headers().get("x-men-signature"));
        assertEquals("MEN-HMAC-SHA256-Payload", webhook.headers().get("x-men-algorithm"));

        // so are the secret fields of the other providers
        String hubToken = TestService.userToken("t-" + UUID.randomUUID());
        String hubId = Api.create(service, hubToken, "{\"provider\":\"iot-hub\",\"credentials\":"
            + "{\"type\":\"sas\",\"connection_string\":\"HostName=h;SharedAccessKey=" + secretHex + "\"}}");
        JsonObject hub = rawIntegration(service, hubId);
        assertNoSecret(hub.encode(), secretHex, "the stored iot-hub document");
        assertInstanceOf(JsonObject.class, hub.getJsonObject("credentials").getValue("connection_string"));
        HttpResponse<String> hubRead = service.call("GET", INTEGRATIONS + "/" + hubId, hubToken, null);
        assertEquals(200, hubRead.statusCode(), hubRead.body());
        assertNoSecret(hubRead.body(), secretHex, "the iot-hub GET");

        // a new secret through PUT is encrypted as well
        String newSecret = newSecretHex();
        HttpResponse<String> put = service.call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
            "{\"type\":\"http\",\"http\":{\"url\":\"" + receiver.url("/hook") + "\",\"secret\":\"" + newSecret + "\"}}");
        assertEquals(204, put.statusCode(), put.body());
        JsonObject updated = rawIntegration(service, id);
        assertNoSecret(updated.encode(), newSecret, "the updated document");
        assertTrue(updated.getJsonObject("credentials").getJsonObject("http").getValue("secret") instanceof JsonObject);
        assertNoSecret(loggedText(), newSecret, "the log");
      }
      String logged = loggedText();
      assertTrue(logged.contains("secrets encrypted"), "the store says it encrypts:\n" + logged);
      assertTrue(logged.contains("request_id="), "the access log was captured:\n" + logged);
      assertNoSecret(logged, secretHex, "the log");

      if (!TestService.realMongo()) {
        // the embedded store's file: the URL is there in clear (the scan works), the secret is not
        String url = receiver.url("/hook");
        boolean urlFound = false;
        try (Stream<Path> files = Files.walk(dataDir)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            urlFound |= bytes.contains(url);
            assertNoSecret(bytes, secretHex, file.toString());
            assertFalse(bytes.contains(new String(HexFormat.of().parseHex(secretHex), StandardCharsets.ISO_8859_1)),
                "the raw secret bytes appear in " + file);
          }
        }
        assertTrue(urlFound, "the scan of " + dataDir + " did not even find the URL");
      }
    }
  }

  @Test
  void withoutAKeyTheSecretIsStoredAsItsBytesButStillNeverReturnedNorLogged() throws Exception {
    String secretHex = newSecretHex();
    String token = TestService.userToken("t-" + UUID.randomUUID());
    try (TestService service = start(Map.of())) {
      String id = Api.create(service, token,
          Api.webhook("https://example.com/plain", secretHex, ""));
      JsonObject stored = rawIntegration(service, id).getJsonObject("credentials").getJsonObject("http")
          .getJsonObject("secret");
      assertEquals(secretHex, HexFormat.of().formatHex(stored.getJsonObject("data").getBinary("$binary")),
          "the plain form of A9 without a key: the secret's bytes");
      HttpResponse<String> got = service.call("GET", INTEGRATIONS + "/" + id, token, null);
      assertNoSecret(got.body(), secretHex, "the GET");
      assertNoSecret(service.call("GET", INTEGRATIONS, token, null).body(), secretHex, "the list");
    }
    assertNoSecret(loggedText(), secretHex, "the log");
  }
}
