package io.iotmanager.webhooks.adapter.http.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code exp}, {@code nbf} and the algorithm, on every supported key type: the time claims are checked
 * with {@value JwtVerifier#CLOCK_SKEW_SECONDS} s of skew, and the algorithm comes from the configured key,
 * never from the token (no {@code alg: none}, no HS256 keyed with the public key's PEM text).
 */
class JwtTimeAndAlgorithmTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HMAC_SECRET = "s3cret-of-the-gateway";

  /** One configured key and how to sign with it. */
  private record Key(String alg, String configured, PrivateKey signer, String pem) {
    String token(String payload) throws Exception {
      return alg.equals("HS256") ? Jwts.hs256(HMAC_SECRET, payload) : Jwts.sign(alg, signer, payload);
    }

    @Override
    public String toString() {
      return alg;
    }
  }

  private static Key rsa;
  private static Key ec;
  private static Key ed25519;
  private static Key hmac;
  private static KeyPair otherRsa;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    KeyPair rsaPair = r.generateKeyPair();
    otherRsa = r.generateKeyPair();
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ecPair = e.generateKeyPair();
    KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    rsa = new Key("RS256", pem(rsaPair.getPublic().getEncoded()), rsaPair.getPrivate(),
        pem(rsaPair.getPublic().getEncoded()));
    ec = new Key("ES256", pem(ecPair.getPublic().getEncoded()), ecPair.getPrivate(),
        pem(ecPair.getPublic().getEncoded()));
    ed25519 = new Key("EdDSA", pem(edPair.getPublic().getEncoded()), edPair.getPrivate(),
        pem(edPair.getPublic().getEncoded()));
    hmac = new Key("HS256", "hs256:" + HMAC_SECRET, null, null);
  }

  static Stream<Arguments> keyTypes() {
    return Stream.of("RS256", "ES256", "EdDSA", "HS256").map(Arguments::of);
  }

  private static Key key(String alg) {
    return switch (alg) {
      case "RS256" -> rsa;
      case "ES256" -> ec;
      case "EdDSA" -> ed25519;
      default -> hmac;
    };
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String claims(String timeClaims) {
    return "{\"sub\":\"u1\",\"mender.user\":true,\"mender.tenant\":\"t1\"" + timeClaims + "}";
  }

  // -------------------------------------------------------------------------------------------- time

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void expIsCheckedWithTheClockSkew(String alg) throws Exception {
    Key key = key(alg);
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key.configured()));
    assertEquals(Optional.of(alg), verifier.algorithm());
    accepted(verifier, key.token(claims(",\"exp\":" + (now() + 3600))));
    accepted(verifier, key.token(claims(",\"exp\":" + (now() - 20))), "within the skew");
    assertEquals("token expired", refused(verifier, key.token(claims(",\"exp\":" + (now() - 600)))));
    // far in the future, written as a float: not an overflow into the past
    accepted(verifier, key.token(claims(",\"exp\":1e30")), "exp 1e30");
    assertEquals("malformed token: exp",
        refused(verifier, key.token(claims(",\"exp\":1000000000000000000000000000000"))));
    assertEquals("malformed token: exp", refused(verifier, key.token(claims(",\"exp\":\"2999-01-01T00:00:00Z\""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void nbfIsCheckedWithTheClockSkew(String alg) throws Exception {
    Key key = key(alg);
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key.configured()));
    accepted(verifier, key.token(claims(",\"nbf\":" + (now() - 10))));
    accepted(verifier, key.token(claims(",\"nbf\":" + (now() + 20))), "within the skew");
    assertEquals("token not valid yet", refused(verifier, key.token(claims(",\"nbf\":" + (now() + 600)))));
    assertEquals("token not valid yet", refused(verifier, key.token(claims(",\"nbf\":1e30"))));
    assertEquals("malformed token: nbf", refused(verifier, key.token(claims(",\"nbf\":\"tomorrow\""))));
    assertEquals("token not valid yet",
        refused(verifier, key.token(claims(",\"nbf\":" + (now() + 600) + ",\"exp\":" + (now() + 3600)))));
  }

  // --------------------------------------------------------------------------------------- algorithm

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void algNoneIsRefusedWithOrWithoutASignaturePart(String alg) throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key(alg).configured()));
    String unsigned = Jwts.unsigned("none", claims(",\"exp\":" + (now() + 3600)));
    for (String token : new String[] {unsigned + ".", unsigned + ".c2ln", unsigned + "." + B64.encodeToString(
        new byte[64])}) {
      assertEquals("unsupported token algorithm", refused(verifier, token), token);
    }
    for (String none : new String[] {"None", "NONE", "nOnE", ""}) {
      assertEquals("unsupported token algorithm", refused(verifier, Jwts.unsigned(none, claims("")) + ".x"), none);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void onlyTheKeysOwnAlgorithmIsAccepted(String alg) throws Exception {
    Key key = key(alg);
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key.configured()));
    String payload = claims(",\"exp\":" + (now() + 3600));
    accepted(verifier, key.token(payload));
    for (String other : new String[] {"RS256", "ES256", "EdDSA", "HS256"}) {
      if (!other.equals(alg)) {
        assertEquals("unsupported token algorithm", refused(verifier, key(other).token(payload)), other);
      }
    }
    for (String similar : new String[] {"RS384", "RS512", "PS256", "ES384", "ES512", "HS384", "HS512"}) {
      String token = Jwts.unsigned(similar, payload) + "." + B64.encodeToString(new byte[64]);
      assertEquals("unsupported token algorithm", refused(verifier, token), similar);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void hs256KeyedWithThePublicKeysTextIsRefused(String alg) throws Exception {
    if (alg.equals("HS256")) {
      // the mirror image: a token signed with a private key cannot pass an HMAC key either
      JwtVerifier verifier = JwtVerifier.from(Optional.of(hmac.configured()));
      assertEquals("unsupported token algorithm", refused(verifier, rsa.token(claims(""))));
      return;
    }
    Key key = key(alg);
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key.configured()));
    String payload = claims(",\"exp\":" + (now() + 3600));
    for (String text : new String[] {key.pem(), key.pem().trim(), key.configured()}) {
      assertEquals("unsupported token algorithm", refused(verifier, Jwts.hs256(text, payload)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void theRightAlgorithmWithAnotherKeyOrATamperedPayloadIsABadSignature(String alg) throws Exception {
    Key key = key(alg);
    JwtVerifier verifier = JwtVerifier.from(Optional.of(key.configured()));
    String payload = claims(",\"exp\":" + (now() + 3600));
    String foreign = switch (alg) {
      case "RS256" -> Jwts.sign("RS256", otherRsa.getPrivate(), payload);
      case "ES256" -> Jwts.sign("ES256", ecPair().getPrivate(), payload);
      case "EdDSA" -> Jwts.sign("EdDSA", KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate(), payload);
      default -> Jwts.hs256("another secret", payload);
    };
    assertEquals("invalid token signature", refused(verifier, foreign));
    String[] parts = key.token(payload).split("\\.");
    String otherTenant = parts[0] + "." + B64.encodeToString(payload.replace("t1", "t2")
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertEquals("invalid token signature", refused(verifier, otherTenant));
  }

  @Test
  void decodeOnlyModeInterpretsNoClaimAndNoAlgorithm() throws Exception {
    JwtVerifier decodeOnly = JwtVerifier.from(Optional.empty());
    assertEquals(Optional.empty(), decodeOnly.algorithm());
    accepted(decodeOnly, Jwts.unsigned("none", claims(",\"exp\":\"2024-01-01T00:00:00Z\"")) + ".x");
    accepted(decodeOnly, Jwts.unsigned("HS256", claims(",\"exp\":1,\"nbf\":99999999999")) + ".x");
  }

  @Test
  void anEcKeyOnAnotherCurveOrAPrivateKeyIsRefusedAtStart() throws Exception {
    String privatePem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(rsa.signer().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    assertThrows(IllegalArgumentException.class, () -> JwtVerifier.from(Optional.of(privatePem)));
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp384r1"));
    String p384 = pem(e.generateKeyPair().getPublic().getEncoded());
    // a P-384 key would verify no ES256 token; whatever the library makes of it, no token passes
    JwtVerifier verifier;
    try {
      verifier = JwtVerifier.from(Optional.of(p384));
    } catch (IllegalArgumentException refusedAtStart) {
      return;
    }
    assertThrows(HttpProblem.class, () -> verifier.verify(ec.token(claims("")), parse(claims(""))));
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static KeyPair ecPair() throws Exception {
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp256r1"));
    return e.generateKeyPair();
  }

  private static JsonNode parse(String payload) throws Exception {
    return Json.MAPPER.readTree(payload);
  }

  private static void accepted(JwtVerifier verifier, String token) {
    accepted(verifier, token, token);
  }

  private static void accepted(JwtVerifier verifier, String token, String why) {
    assertDoesNotThrow(() -> verifier.verify(token, parse(payloadOf(token))), why);
  }

  private static String refused(JwtVerifier verifier, String token) throws Exception {
    JsonNode claims = parse(payloadOf(token));
    HttpProblem problem = assertThrows(HttpProblem.class, () -> verifier.verify(token, claims), token);
    assertEquals(401, problem.status());
    return problem.getMessage();
  }

  private static String payloadOf(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  private static String pem(byte[] der) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";
  }


}
