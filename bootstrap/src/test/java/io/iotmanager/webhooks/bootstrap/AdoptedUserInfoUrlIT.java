package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.Provider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A webhook URL with a user name and password, stored before such URLs were refused (adopted from an
 * existing database): it keeps working (the credentials go out as HTTP Basic authentication, as the
 * original's Go client sends them), the API only ever shows it masked, and saving it again is refused.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdoptedUserInfoUrlIT {
  @Test
  void anAdoptedUrlWithAPasswordKeepsWorkingAndIsOnlyShownMasked() throws Exception {
    String db = "it_" + UUID.randomUUID().toString().replace("-", "");
    String dataDir = Files.createTempDirectory("iot-webhooks-it").toString();
    String tenant = Api.tenant();
    UUID id = UUID.randomUUID();
    try (Receiver receiver = Receiver.start()) {
      String stored = "http://hook-user:s3cret-pass@127.0.0.1:" + receiver.port() + "/hook";
      Map<String, String> env = new HashMap<>();
      env.put("IOT_MANAGER_MONGO_DBNAME", db);
      env.put("IOT_MANAGER_DATA_DIR", dataDir);
      if (TestService.realMongo()) {
        env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
      }
      ServiceConfig config = ConfigLoader.load(Optional.empty(), env);
      Vertx vertx = Vertx.vertx();
      try {
        MongoStore store = MongoStore.open(vertx, Service.storeSettings(config)).await(60, TimeUnit.SECONDS);
        try {
          Integration adopted = new Integration(id, tenant, Provider.WEBHOOK,
              Credentials.http(new HttpCredentials(URI.create(stored), Optional.empty())), "");
          store.integrations().insert(adopted, 10).await(30, TimeUnit.SECONDS);
        } finally {
          store.close().await(30, TimeUnit.SECONDS);
        }
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }

      Map<String, String> settings = Map.of("mongo_dbname", db, "data_dir", dataDir, "domain_skipverify", "true");
      try (TestService service = TestService.start(settings)) {
        String token = TestService.userToken(tenant);
        String masked = "http://hook-user:***@127.0.0.1:" + receiver.port() + "/hook";
        HttpResponse<String> one = service.call("GET", TestService.MANAGEMENT + "/integrations/" + id, token, null);
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(masked, new JsonObject(one.body()).getJsonObject("credentials").getJsonObject("http")
            .getString("url"));
        HttpResponse<String> list = service.call("GET", TestService.MANAGEMENT + "/integrations", token, null);
        assertFalse(list.body().contains("s3cret-pass"), list.body());
        assertTrue(list.body().contains(masked), list.body());

        assertEquals(202, service.call("POST", Api.devices(tenant), null, "{\"id\":\"dev-1\"}").statusCode());
        Receiver.Received got = Awaitility.await("the webhook").atMost(Duration.ofSeconds(30))
            .until(() -> receiver.received().isEmpty() ? null : receiver.received().get(0), java.util.Objects::nonNull);
        assertEquals("Basic aG9vay11c2VyOnMzY3JldC1wYXNz", got.headers().get("authorization"));
        assertEquals("/hook", got.path());

        JsonArray events = Api.events(service, tenant, "");
        assertFalse(events.encode().contains("s3cret-pass"), events.encode());

        // saving it again (or any URL with a password) is refused, pointing to the secret
        HttpResponse<String> put = service.call("PUT", TestService.MANAGEMENT + "/integrations/" + id + "/credentials",
            token, "{\"type\":\"http\",\"http\":{\"url\":\"" + stored + "\"}}");
        assertEquals(400, put.statusCode(), put.body());
        String error = new JsonObject(put.body()).getString("error");
        assertTrue(error.contains("must not contain a user name or password") && error.contains("secret"), error);
        assertFalse(put.body().contains("s3cret-pass"), put.body());
      }
    }
  }
}
