package io.iotmanager.webhooks.adapter.http.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The optional signature check of {@code jwt_verify_key} (docs/wire-contract.md B5): HS256 with {@code hs256:<secret>},
 * RS256, ES256 and EdDSA (Ed25519) with a PEM public key; a bad signature, a foreign key, an algorithm
 * that does not fit the key, and an expired token are all 401. Without a key nothing is checked.
 */
class JwtVerifierTest {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static final long FUTURE = Instant.now().plusSeconds(3600).getEpochSecond();
  static final long PAST = Instant.now().minusSeconds(60).getEpochSecond();

  static String claims(long exp) {
    return "{\"sub\":\"u1\",\"exp\":" + exp + ",\"mender.user\":true,\"mender.tenant\":\"t1\"}";
  }

  /** Verifies like {@link Identities} does: the token split in three, the payload parsed. */
  static void verify(JwtVerifier verifier, String token) {
    String[] parts = token.split("\\.", -1);
    JsonNode claims;
    try {
      claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    verifier.verify(token, claims);
  }

  static HttpProblem refused(JwtVerifier verifier, String token) {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> verify(verifier, token));
    assertEquals(401, problem.status());
    return problem;
  }

  /**
   * A bit of the signature flipped, the payload swapped for another tenant's, no signature, a signature
   * that is not base64url.
   */
  static String[] tampered(String token) {
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    String flipped = parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
    String otherPayload = parts[0] + "." + B64.encodeToString(
        claims(FUTURE).replace("t1", "t2").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    return new String[] {flipped, otherPayload, parts[0] + "." + parts[1] + ".", parts[0] + "." + parts[1] + ".!!"};
  }

  @Test
  void withoutAKeyNothingIsVerifiedNorAnyClaimInterpreted() {
    JwtVerifier decodeOnly = JwtVerifier.from(Optional.empty());
    assertDoesNotThrow(() -> verify(decodeOnly, Jwts.unsigned("none", claims(PAST)) + ".c2ln"));
    assertDoesNotThrow(() -> verify(decodeOnly, Jwts.unsigned("HS256",
        "{\"sub\":\"u\",\"exp\":\"2024-01-01T00:00:00Z\"}") + ".x"));
  }

  @Test
  void hs256AcceptsItsOwnSignatureOnly() throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertDoesNotThrow(() -> verify(verifier, Jwts.hs256("s3cret", claims(FUTURE))));
    assertDoesNotThrow(() -> verify(verifier, Jwts.hs256("s3cret", "{\"sub\":\"u1\",\"mender.user\":true}")),
        "exp is optional");
    assertEquals("invalid token signature", refused(verifier, Jwts.hs256("other", claims(FUTURE))).getMessage());
    for (String bad : tampered(Jwts.hs256("s3cret", claims(FUTURE)))) {
      refused(verifier, bad);
    }
  }

  @Test
  void anExpiredOrUnreadableExpIsRefused() throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertEquals("token expired", refused(verifier, Jwts.hs256("s3cret", claims(PAST))).getMessage());
    refused(verifier, Jwts.hs256("s3cret", "{\"sub\":\"u1\",\"exp\":\"2999-01-01T00:00:00Z\"}"));
  }

  @Test
  void theAlgorithmMustFitTheKey() throws Exception {
    JwtVerifier hmac = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertEquals("unsupported token algorithm", refused(hmac, Jwts.unsigned("none", claims(FUTURE)) + ".").getMessage());
    KeyPair rsa = Jwts.keyPair("RS256");
    refused(hmac, Jwts.sign("RS256", rsa.getPrivate(), claims(FUTURE)));

    JwtVerifier publicKey = JwtVerifier.from(Optional.of(Jwts.pem(rsa.getPublic())));
    refused(publicKey, Jwts.unsigned("none", claims(FUTURE)) + ".");
    // the classic confusion: an HMAC keyed with the public key's text
    refused(publicKey, Jwts.hs256(Jwts.pem(rsa.getPublic()), claims(FUTURE)));
    refused(publicKey, Jwts.sign("ES256", Jwts.keyPair("ES256").getPrivate(), claims(FUTURE)));
    refused(publicKey, Jwts.sign("EdDSA", Jwts.keyPair("EdDSA").getPrivate(), claims(FUTURE)));
  }

  @Test
  void rs256() throws Exception {
    checkPublicKeyAlgorithm("RS256", Jwts.keyPair("RS256"), Jwts.keyPair("RS256"));
  }

  @Test
  void es256() throws Exception {
    checkPublicKeyAlgorithm("ES256", Jwts.keyPair("ES256"), Jwts.keyPair("ES256"));
  }

  @Test
  void eddsa() throws Exception {
    checkPublicKeyAlgorithm("EdDSA", Jwts.keyPair("EdDSA"), Jwts.keyPair("EdDSA"));
  }

  private static void checkPublicKeyAlgorithm(String alg, KeyPair keys, KeyPair otherKeys) throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of(Jwts.pem(keys.getPublic())));
    String good = Jwts.sign(alg, keys.getPrivate(), claims(FUTURE));
    assertDoesNotThrow(() -> verify(verifier, good));
    assertEquals("invalid token signature",
        refused(verifier, Jwts.sign(alg, otherKeys.getPrivate(), claims(FUTURE))).getMessage());
    for (String bad : tampered(good)) {
      refused(verifier, bad);
    }
    assertEquals("token expired", refused(verifier, Jwts.sign(alg, keys.getPrivate(), claims(PAST))).getMessage());
  }

  @Test
  void ecSignaturesOfEveryLengthConvert() throws Exception {
    // r or s with a leading zero byte (or a high bit) must survive the JOSE -> DER conversion
    KeyPair keys = Jwts.keyPair("ES256");
    JwtVerifier verifier = JwtVerifier.from(Optional.of(Jwts.pem(keys.getPublic())));
    for (int i = 0; i < 200; i++) {
      String token = Jwts.sign("ES256", keys.getPrivate(), claims(FUTURE + i));
      assertDoesNotThrow(() -> verify(verifier, token), token);
    }
  }

  @Test
  void aKeyThatIsNotAPublicKeyIsRefusedAtStartNamingTheSetting() {
    for (String key : new String[] {
        "-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----",
        "just text",
        "hs256:"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JwtVerifier.from(Optional.of(key)));
      assertTrue(e.getMessage().startsWith("jwt_verify_key: "), e.getMessage());
    }
  }
}
