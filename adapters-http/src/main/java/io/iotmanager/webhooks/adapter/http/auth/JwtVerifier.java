package io.iotmanager.webhooks.adapter.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional JWT signature check ({@code jwt_verify_key}). Without a key nothing is verified and no claim
 * but those of A2 is read, as behind Mender's gateway. With a key: RS256, ES256 and EdDSA against a PEM
 * public key, or HS256 with {@code hs256:<secret>}; a bad signature or an expired token is a 401.
 */
abstract class JwtVerifier {
  static JwtVerifier from(Optional<String> key) {
    if (key.isEmpty()) {
      return new DecodeOnly();
    }
    String k = key.get().trim();
    if (k.startsWith("hs256:")) {
      return new Hmac(k.substring("hs256:".length()).getBytes(StandardCharsets.UTF_8));
    }
    return new PublicKeyVerifier(parsePem(k));
  }

  /** Throws a 401 {@link HttpProblem} when the token must be refused. */
  abstract void verify(String[] parts, JsonNode claims);

  private static final class DecodeOnly extends JwtVerifier {
    @Override
    void verify(String[] parts, JsonNode claims) {
      // decode-only: the gateway verified the token upstream
    }
  }

  private static final class Hmac extends JwtVerifier {
    private final byte[] secret;

    Hmac(byte[] secret) {
      if (secret.length == 0) {
        throw new IllegalArgumentException("jwt_verify_key: the hs256: secret must not be empty");
      }
      this.secret = secret.clone();
    }

    @Override
    void verify(String[] parts, JsonNode claims) {
      requireAlg(parts, "HS256");
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] expected = mac.doFinal(signingInput(parts));
        if (!MessageDigest.isEqual(expected, signature(parts))) {
          throw new HttpProblem(401, "invalid token signature");
        }
      } catch (GeneralSecurityException e) {
        throw new HttpProblem(401, "invalid token signature");
      }
      requireNotExpired(claims);
    }
  }

  private static final class PublicKeyVerifier extends JwtVerifier {
    private final PublicKey key;

    PublicKeyVerifier(PublicKey key) {
      this.key = key;
    }

    @Override
    void verify(String[] parts, JsonNode claims) {
      String alg = header(parts).path("alg").asText("");
      try {
        Signature sig;
        byte[] signature = signature(parts);
        switch (alg) {
          case "RS256" -> sig = Signature.getInstance("SHA256withRSA");
          case "ES256" -> {
            sig = Signature.getInstance("SHA256withECDSA");
            signature = joseToDer(signature);
          }
          case "EdDSA" -> sig = Signature.getInstance("Ed25519");
          default -> throw new HttpProblem(401, "unsupported token algorithm");
        }
        sig.initVerify(key);
        sig.update(signingInput(parts));
        if (!sig.verify(signature)) {
          throw new HttpProblem(401, "invalid token signature");
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new HttpProblem(401, "invalid token signature");
      }
      requireNotExpired(claims);
    }
  }

  /**
   * The public key of a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo): RSA, EC or Ed25519.
   *
   * @throws IllegalArgumentException naming {@code jwt_verify_key} when it is anything else
   */
  static PublicKey parsePem(String pem) {
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException("jwt_verify_key: expected hs256:<secret> or a PEM public key "
          + "(-----BEGIN PUBLIC KEY-----)");
    }
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("jwt_verify_key: the PEM public key is not base64", e);
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("jwt_verify_key: not an RSA, EC or Ed25519 public key");
  }

  static void requireAlg(String[] parts, String expected) {
    if (!expected.equals(header(parts).path("alg").asText(""))) {
      throw new HttpProblem(401, "unsupported token algorithm");
    }
  }

  static JsonNode header(String[] parts) {
    try {
      return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new HttpProblem(401, "malformed token");
    }
  }

  static void requireNotExpired(JsonNode claims) {
    JsonNode exp = claims.get("exp");
    if (exp != null && exp.isNumber() && exp.asLong() * 1000L < System.currentTimeMillis()) {
      throw new HttpProblem(401, "token expired");
    }
    if (exp != null && !exp.isNumber()) {
      throw new HttpProblem(401, "malformed token: exp");
    }
  }

  static byte[] signingInput(String[] parts) {
    return (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] signature(String[] parts) {
    try {
      return Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(401, "invalid token signature");
    }
  }

  /** JOSE ES256 signatures are r||s (32 bytes each); the JDK wants ASN.1 DER. */
  static byte[] joseToDer(byte[] jose) {
    if (jose.length != 64) {
      throw new IllegalArgumentException("bad ES256 signature length");
    }
    byte[] r = new BigInteger(1, Arrays.copyOfRange(jose, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(jose, 32, 64)).toByteArray();
    int len = 2 + r.length + 2 + s.length;
    byte[] der = new byte[2 + len];
    int i = 0;
    der[i++] = 0x30;
    der[i++] = (byte) len;
    der[i++] = 0x02;
    der[i++] = (byte) r.length;
    System.arraycopy(r, 0, der, i, r.length);
    i += r.length;
    der[i++] = 0x02;
    der[i++] = (byte) s.length;
    System.arraycopy(s, 0, der, i, s.length);
    return der;
  }
}
