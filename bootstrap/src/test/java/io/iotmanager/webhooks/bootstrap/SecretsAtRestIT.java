package io.iotmanager.webhooks.bootstrap;

import static io.iotmanager.webhooks.bootstrap.ManagementApiIT.INTEGRATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Secrets at rest (API.md A3, A7, A9) through the whole service: with {@code aes_encryption_key} the stored
 * document holds an AES blob ({@code {algorithm, data}}, as the Go service stores it), never the secret; the webhook is still signed with the secret; and no log
 * line carries it. The raw document is read with a MongoDB client of its own, on either store.
 */
class SecretsAtRestIT {

  private ListAppender<ILoggingEvent> logs;
  private final Map<String, Level> levels = new java.util.HashMap<>();

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

  /** Every log event of the service, with this project's loggers and the access log at DEBUG. */
  @BeforeEach
  void captureLogs() {
    logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    for (String name : List.of("io.iotmanager", "access")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      levels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void stopCapturing() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
  }

  /** Everything the service logged: messages, arguments and exceptions. */
  String loggedText() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      text.append(event.getFormattedMessage()).append('\n');
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  static void assertNoSecret(String text, String secretHex, String where) {
    assertFalse(text.toLowerCase(Locale.ROOT).contains(secretHex.toLowerCase(Locale.ROOT)),
        "the secret appears in " + where);
  }

  /** The stored integration document, read with a client of the test's own. */
  static JsonObject rawIntegration(TestService service, String id) throws Exception {
    String url;
    if (TestService.realMongo()) {
      url = System.getenv("IOT_MANAGER_MONGO_URL");
    } else {
      url = service.storeConnectionString();
    }
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

  static Receiver.Received awaitRequest(Receiver receiver, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<Receiver.Received> received = receiver.received();
      if (received.size() >= count) {
        return received.get(count - 1);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("no webhook #" + count + " within 30 s");
  }

  @Test
  void withAKeyTheSecretIsStoredEncryptedStillSignsAndIsNeverLogged() throws Exception {
    String secretHex = newSecretHex();
    String tenant = "t-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    try (Receiver receiver = Receiver.start()) {
      Path dataDir;
      String id;
      try (TestService service = TestService.start(Map.of("aes_encryption_key", newAesKey()))) {
        dataDir = service.config.dataDir();
        id = ManagementApiIT.create(service, token, ManagementApiIT.webhook(receiver.url("/hook"),
            secretHex.toUpperCase(Locale.ROOT), "encrypted"));

        JsonObject document = rawIntegration(service, id);
        assertNotNull(document, "the integration document");
        assertNoSecret(document.encode(), secretHex, "the stored document");
        JsonObject stored = assertInstanceOf(JsonObject.class,
            document.getJsonObject("credentials").getJsonObject("http").getValue("secret"), document.encode());
        assertEquals("AES_256_CFB_HMAC_SHA512", stored.getString("algorithm"), stored.encode());
        byte[] blob = (byte[]) stored.getJsonObject("data").getValue("$binary");
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
        String hubId = ManagementApiIT.create(service, hubToken, "{\"provider\":\"iot-hub\",\"credentials\":"
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
    try (TestService service = TestService.start()) {
      String id = ManagementApiIT.create(service, token,
          ManagementApiIT.webhook("https://example.com/plain", secretHex, ""));
      JsonObject stored = rawIntegration(service, id).getJsonObject("credentials").getJsonObject("http")
          .getJsonObject("secret");
      assertEquals(secretHex, HexFormat.of().formatHex((byte[]) stored.getJsonObject("data").getValue("$binary")),
          "the plain form of A9 without a key: the secret's bytes");
      HttpResponse<String> got = service.call("GET", INTEGRATIONS + "/" + id, token, null);
      assertNoSecret(got.body(), secretHex, "the GET");
      assertNoSecret(service.call("GET", INTEGRATIONS, token, null).body(), secretHex, "the list");
    }
    assertNoSecret(loggedText(), secretHex, "the log");
  }
}
