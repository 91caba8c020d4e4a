package io.iotmanager.webhooks.adapter.http.management;

import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.INTEGRATIONS;
import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.assertError;
import static io.iotmanager.webhooks.adapter.http.management.IntegrationRoutesTest.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optional JWT signature check ({@code jwt_verify_key}, README configuration, docs/api-management.md) over HTTP: a well-signed token is
 * served, a bad signature or an expired token is a 401 with {@code WWW-Authenticate}, and the unsigned
 * tokens that decode-only mode accepts are refused.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class JwtVerificationRoutesTest {
  static String claims(String tenant, long exp) {
    return "{\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":" + exp + ",\"mender.user\":true,\"mender.tenant\":\""
        + tenant + "\"}";
  }

  static long inAnHour() {
    return Instant.now().plusSeconds(3600).getEpochSecond();
  }

  static long aMinuteAgo() {
    return Instant.now().minusSeconds(60).getEpochSecond();
  }

  static void assertServed(RouteServer service, String token) throws Exception {
    Reply list = service.call("GET", INTEGRATIONS, token, null);
    assertEquals(200, list.statusCode(), list.body());
  }

  @Test
  void hs256(Vertx vertx) throws Exception {
    RouteServer service = RouteServer.start(vertx, 1 << 20, Optional.of("hs256:gateway-s3cret"));
    {
      String tenant = "t-" + UUID.randomUUID();
      String good = Jwts.hs256("gateway-s3cret", claims(tenant, inAnHour()));
      assertServed(service, good);
      IntegrationRoutesTest.create(service, good, webhook("https://example.com/signed"));
      assertEquals(1, new io.vertx.core.json.JsonArray(service.call("GET", INTEGRATIONS, good, null).body()).size());

      assertError(service.call("GET", INTEGRATIONS, Jwts.hs256("other-secret", claims(tenant, inAnHour())), null),
          401, "invalid token signature");
      assertError(service.call("GET", INTEGRATIONS, Jwts.tampered(good), null), 401, "invalid token signature");
      assertError(service.call("POST", INTEGRATIONS, Jwts.hs256("gateway-s3cret", claims(tenant, aMinuteAgo())),
          webhook("https://example.com/expired")), 401, "token expired");
      // what decode-only mode accepts is refused once a key is set
      assertError(service.call("GET", INTEGRATIONS, Jwts.userToken(tenant), null), 401, null);
      assertError(service.call("GET", INTEGRATIONS, Jwts.hs256("gateway-s3cret", "{\"sub\":\"u\","
          + "\"exp\":\"2999-01-01T00:00:00Z\",\"mender.user\":true}"), null), 401, null);
      // the cookie is verified like the header
      assertEquals(200, service.callWithHeaders("GET", INTEGRATIONS, Map.of("Cookie", "JWT=" + good), null).statusCode());
      assertError(service.callWithHeaders("GET", INTEGRATIONS, Map.of("Cookie", "JWT=" + Jwts.tampered(good)), null), 401,
          "invalid token signature");
      // a well-signed device token is still not a user
      assertError(service.call("GET", INTEGRATIONS, Jwts.hs256("gateway-s3cret",
          "{\"sub\":\"d\",\"mender.device\":true,\"exp\":" + inAnHour() + "}"), null), 403,
          IntegrationRoutesTest.USER_MISSING);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256", "EdDSA"})
  void publicKey(String alg, Vertx vertx) throws Exception {
    KeyPair keys = Jwts.keyPair(alg);
    KeyPair stranger = Jwts.keyPair(alg);
    RouteServer service = RouteServer.start(vertx, 1 << 20, Optional.of(Jwts.pem(keys.getPublic())));
    {
      String tenant = "t-" + UUID.randomUUID();
      String good = Jwts.sign(alg, keys.getPrivate(), claims(tenant, inAnHour()));
      assertServed(service, good);
      IntegrationRoutesTest.create(service, good, webhook("https://example.com/" + alg));

      assertError(service.call("GET", INTEGRATIONS, Jwts.tampered(good), null), 401, "invalid token signature");
      assertError(service.call("GET", INTEGRATIONS,
          Jwts.sign(alg, stranger.getPrivate(), claims(tenant, inAnHour())), null), 401, "invalid token signature");
      assertError(service.call("GET", INTEGRATIONS,
          Jwts.sign(alg, keys.getPrivate(), claims(tenant, aMinuteAgo())), null), 401, "token expired");
      assertError(service.call("GET", INTEGRATIONS, Jwts.userToken(tenant), null), 401, null);
      assertError(service.call("GET", INTEGRATIONS, Jwts.hs256(Jwts.pem(keys.getPublic()),
          claims(tenant, inAnHour())), null), 401, null);
    }
  }
}
