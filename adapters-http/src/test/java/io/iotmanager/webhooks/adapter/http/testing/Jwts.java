package io.iotmanager.webhooks.adapter.http.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signed JWTs for tests of {@code jwt_verify_key}: HS256, RS256, ES256 (JOSE r||s) and EdDSA (Ed25519). */
public final class Jwts {
  public static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  /** An unverified user token of {@code tenant} (decode-only mode, as behind Mender's gateway). */
  public static String userToken(String tenant) {
    return token("{\"sub\":\"" + java.util.UUID.randomUUID() + "\",\"mender.user\":true,\"mender.tenant\":\""
        + tenant + "\"}");
  }

  /** A JWT with an {@code alg: none} header, this payload and a dummy signature. */
  public static String token(String payloadJson) {
    return unsigned("none", payloadJson) + ".c2ln";
  }

  public static String unsigned(String alg, String payload) {
    return B64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
  }

  public static String hs256(String secret, String payload) throws GeneralSecurityException {
    String input = unsigned("HS256", payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  public static String sign(String alg, PrivateKey key, String payload) throws GeneralSecurityException {
    String input = unsigned(alg, payload);
    Signature signature = Signature.getInstance(switch (alg) {
      case "RS256" -> "SHA256withRSA";
      case "ES256" -> "SHA256withECDSA";
      case "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException(alg);
    });
    signature.initSign(key);
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    byte[] bytes = signature.sign();
    return input + "." + B64.encodeToString(alg.equals("ES256") ? derToJose(bytes) : bytes);
  }

  /** The key pair for an algorithm: RSA 2048, P-256, Ed25519. */
  public static KeyPair keyPair(String alg) throws GeneralSecurityException {
    return switch (alg) {
      case "RS256" -> {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        yield generator.generateKeyPair();
      }
      case "ES256" -> {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        yield generator.generateKeyPair();
      }
      case "EdDSA" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      default -> throw new IllegalArgumentException(alg);
    };
  }

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The token with one bit of its signature flipped. */
  public static String tampered(String token) {
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    return parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
  }

  private static byte[] derToJose(byte[] der) {
    int offset = 2;
    byte[] r = Arrays.copyOfRange(der, offset + 2, offset + 2 + der[offset + 1]);
    offset += 2 + der[offset + 1];
    byte[] s = Arrays.copyOfRange(der, offset + 2, offset + 2 + der[offset + 1]);
    byte[] jose = new byte[64];
    copyUnsigned(r, jose, 0);
    copyUnsigned(s, jose, 32);
    return jose;
  }

  private static void copyUnsigned(byte[] integer, byte[] into, int at) {
    byte[] magnitude = new BigInteger(1, integer).toByteArray();
    int start = magnitude.length > 32 ? magnitude.length - 32 : 0;
    System.arraycopy(magnitude, start, into, at + 32 - (magnitude.length - start), magnitude.length - start);
  }
}
