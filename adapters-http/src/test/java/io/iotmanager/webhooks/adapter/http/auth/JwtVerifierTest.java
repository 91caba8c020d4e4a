package io.iotmanager.webhooks.adapter.http.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

  static String unsigned(String alg, String payload) {
    return B64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
  }

  static String hs256(String secret, String payload) throws Exception {
    String input = unsigned("HS256", payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Signs with the JDK algorithm; ES256 signatures are turned from DER into JOSE's r||s. */
  static String sign(String alg, PrivateKey key, String payload) throws Exception {
    String input = unsigned(alg, payload);
    String jdk = switch (alg) {
      case "RS256" -> "SHA256withRSA";
      case "ES256" -> "SHA256withECDSA";
      case "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException(alg);
    };
    Signature signature = Signature.getInstance(jdk);
    signature.initSign(key);
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    byte[] bytes = signature.sign();
    if (alg.equals("ES256")) {
      bytes = derToJose(bytes);
    }
    return input + "." + B64.encodeToString(bytes);
  }

  static byte[] derToJose(byte[] der) {
    int offset = 2; // SEQUENCE, length (< 128 for P-256)
    int rLength = der[offset + 1];
    byte[] r = Arrays.copyOfRange(der, offset + 2, offset + 2 + rLength);
    offset += 2 + rLength;
    int sLength = der[offset + 1];
    byte[] s = Arrays.copyOfRange(der, offset + 2, offset + 2 + sLength);
    byte[] jose = new byte[64];
    copyUnsigned(r, jose, 0);
    copyUnsigned(s, jose, 32);
    return jose;
  }

  private static void copyUnsigned(byte[] integer, byte[] into, int at) {
    byte[] magnitude = new BigInteger(1, integer).toByteArray();
    int start = magnitude.length > 32 ? magnitude.length - 32 : 0;
    int length = magnitude.length - start;
    System.arraycopy(magnitude, start, into, at + 32 - length, length);
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
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
    assertDoesNotThrow(() -> verify(decodeOnly, unsigned("none", claims(PAST)) + ".c2ln"));
    assertDoesNotThrow(() -> verify(decodeOnly, unsigned("HS256",
        "{\"sub\":\"u\",\"exp\":\"2024-01-01T00:00:00Z\"}") + ".x"));
  }

  @Test
  void hs256AcceptsItsOwnSignatureOnly() throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertDoesNotThrow(() -> verify(verifier, hs256("s3cret", claims(FUTURE))));
    assertDoesNotThrow(() -> verify(verifier, hs256("s3cret", "{\"sub\":\"u1\",\"mender.user\":true}")),
        "exp is optional");
    assertEquals("invalid token signature", refused(verifier, hs256("other", claims(FUTURE))).getMessage());
    for (String bad : tampered(hs256("s3cret", claims(FUTURE)))) {
      refused(verifier, bad);
    }
  }

  @Test
  void anExpiredOrUnreadableExpIsRefused() throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertEquals("token expired", refused(verifier, hs256("s3cret", claims(PAST))).getMessage());
    refused(verifier, hs256("s3cret", "{\"sub\":\"u1\",\"exp\":\"2999-01-01T00:00:00Z\"}"));
  }

  @Test
  void theAlgorithmMustFitTheKey() throws Exception {
    JwtVerifier hmac = JwtVerifier.from(Optional.of("hs256:s3cret"));
    assertEquals("unsupported token algorithm", refused(hmac, unsigned("none", claims(FUTURE)) + ".").getMessage());
    KeyPair rsa = rsa();
    refused(hmac, sign("RS256", rsa.getPrivate(), claims(FUTURE)));

    JwtVerifier publicKey = JwtVerifier.from(Optional.of(pem(rsa.getPublic())));
    refused(publicKey, unsigned("none", claims(FUTURE)) + ".");
    // the classic confusion: an HMAC keyed with the public key's text
    refused(publicKey, hs256(pem(rsa.getPublic()), claims(FUTURE)));
    refused(publicKey, sign("ES256", ec().getPrivate(), claims(FUTURE)));
    refused(publicKey, sign("EdDSA", ed25519().getPrivate(), claims(FUTURE)));
  }

  @Test
  void rs256() throws Exception {
    checkPublicKeyAlgorithm("RS256", rsa(), rsa());
  }

  @Test
  void es256() throws Exception {
    checkPublicKeyAlgorithm("ES256", ec(), ec());
  }

  @Test
  void eddsa() throws Exception {
    checkPublicKeyAlgorithm("EdDSA", ed25519(), ed25519());
  }

  private static void checkPublicKeyAlgorithm(String alg, KeyPair keys, KeyPair otherKeys) throws Exception {
    JwtVerifier verifier = JwtVerifier.from(Optional.of(pem(keys.getPublic())));
    String good = sign(alg, keys.getPrivate(), claims(FUTURE));
    assertDoesNotThrow(() -> verify(verifier, good));
    assertEquals("invalid token signature",
        refused(verifier, sign(alg, otherKeys.getPrivate(), claims(FUTURE))).getMessage());
    for (String bad : tampered(good)) {
      refused(verifier, bad);
    }
    assertEquals("token expired", refused(verifier, sign(alg, keys.getPrivate(), claims(PAST))).getMessage());
  }

  @Test
  void ecSignaturesOfEveryLengthConvert() throws Exception {
    // r or s with a leading zero byte (or a high bit) must survive the JOSE -> DER conversion
    KeyPair keys = ec();
    JwtVerifier verifier = JwtVerifier.from(Optional.of(pem(keys.getPublic())));
    for (int i = 0; i < 200; i++) {
      String token = sign("ES256", keys.getPrivate(), claims(FUTURE + i));
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
