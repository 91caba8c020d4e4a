package io.iotmanager.webhooks.adapter.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import java.security.SignatureException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Optional JWT check ({@code jwt_verify_key}) through vertx-auth-jwt. Without a key nothing is verified
 * and no claim but those of A2 is read, as behind Mender's gateway. With a key, the one algorithm that
 * fits the key is the only one accepted, whatever the token's header says: RS256 for an RSA public key,
 * ES256 for an EC (P-256) one, EdDSA for Ed25519, HS256 for {@code hs256:<secret>}; {@code alg: none} and
 * any other algorithm are refused. {@code exp}, {@code nbf} and {@code iat} are checked with
 * {@value #CLOCK_SKEW_SECONDS} s of clock skew. Every refusal is a 401 with Mender's wording.
 */
abstract class JwtVerifier {
  /** Tolerated difference between the clocks of the token's issuer and this service. */
  static final int CLOCK_SKEW_SECONDS = 60;
  static final String PEM_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----";

  static JwtVerifier from(Optional<String> key) {
    if (key.isEmpty()) {
      return new DecodeOnly();
    }
    String k = key.get().trim();
    if (k.startsWith("hs256:")) {
      String secret = k.substring("hs256:".length());
      if (secret.isEmpty()) {
        throw new IllegalArgumentException("jwt_verify_key: the hs256: secret must not be empty");
      }
      return new Verifying("HS256", secret);
    }
    if (!k.contains(PEM_PUBLIC_KEY)) {
      throw new IllegalArgumentException("jwt_verify_key: expected hs256:<secret> or a PEM public key "
          + "(" + PEM_PUBLIC_KEY + ")");
    }
    for (String algorithm : List.of("RS256", "ES256", "EdDSA")) {
      try {
        return new Verifying(algorithm, k);
      } catch (RuntimeException e) {
        // not a key of this type: try the next one
      }
    }
    throw new IllegalArgumentException("jwt_verify_key: not an RSA, EC (P-256) or Ed25519 public key");
  }

  /**
   * Throws a 401 {@link HttpProblem} when the token must be refused.
   *
   * @param token the compact token, three parts
   * @param claims its payload, already parsed
   */
  abstract void verify(String token, JsonNode claims);

  /** The algorithm the configured key verifies, or empty in decode-only mode. */
  abstract Optional<String> algorithm();

  private static final class DecodeOnly extends JwtVerifier {
    @Override
    void verify(String token, JsonNode claims) {
      // decode-only: the gateway verified the token upstream
    }

    @Override
    Optional<String> algorithm() {
      return Optional.empty();
    }
  }

  private static final class Verifying extends JwtVerifier {
    private final String algorithm;
    private final JWTAuth auth;

    /** @throws RuntimeException when the key is not one of {@code algorithm} */
    Verifying(String algorithm, String key) {
      this.algorithm = algorithm;
      JWTAuthOptions options = new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key))
          .setJWTOptions(new JWTOptions().setLeeway(CLOCK_SKEW_SECONDS));
      // Vert.x is needed only to read a key store file, which is not used: the key is given in memory
      this.auth = JWTAuth.create(null, options);
    }

    @Override
    Optional<String> algorithm() {
      return Optional.of(algorithm);
    }

    @Override
    void verify(String token, JsonNode claims) {
      // the library refuses any other algorithm too; asking first gives the clearer message for
      // "alg": "none" tokens, which usually come without a signature part at all
      if (!algorithm.equals(headerAlgorithm(token))) {
        throw new HttpProblem(401, "unsupported token algorithm");
      }
      for (String claim : List.of("exp", "nbf", "iat")) {
        requireNumericDate(claims, claim);
      }
      Future<User> result;
      try {
        result = auth.authenticate(new TokenCredentials(token));
      } catch (RuntimeException e) {
        throw refusal(e, claims);
      }
      // the provider decides without I/O (the key is in memory), so the future is complete on return
      if (!result.isComplete()) {
        throw new HttpProblem(401, "invalid token");
      }
      if (result.failed()) {
        throw refusal(result.cause(), claims);
      }
    }

    private static HttpProblem refusal(Throwable cause, JsonNode claims) {
      String message = cause.getMessage() == null ? "" : cause.getMessage();
      if (cause instanceof NoSuchKeyIdException || message.contains("\"none\" not allowed")) {
        return new HttpProblem(401, "unsupported token algorithm");
      }
      if (cause instanceof SignatureException || message.contains("Signature")
          || message.contains("not signed") || cause instanceof IllegalArgumentException) {
        return new HttpProblem(401, "invalid token signature");
      }
      if (message.contains("expired")) {
        long now = System.currentTimeMillis() / 1000;
        JsonNode exp = claims.get("exp");
        boolean expired = exp != null && now - CLOCK_SKEW_SECONDS >= exp.asLong();
        return new HttpProblem(401, expired ? "token expired" : "token not valid yet");
      }
      if (cause instanceof DecodeException) {
        return new HttpProblem(401, "malformed token");
      }
      return new HttpProblem(401, "invalid token");
    }

    private static String headerAlgorithm(String token) {
      int dot = token.indexOf('.');
      try {
        JsonNode header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(dot < 0 ? token : token.substring(0, dot)));
        return header == null ? "" : header.path("alg").asText("");
      } catch (IllegalArgumentException | java.io.IOException e) {
        throw new HttpProblem(401, "malformed token");
      }
    }

    /**
     * A time claim, when present, must be a number of seconds that fits a long: a date string or
     * {@code 10^30} written out is not read one way here and another way by the library.
     */
    private static void requireNumericDate(JsonNode claims, String name) {
      JsonNode value = claims.get(name);
      if (value == null || value.isNull()) {
        return;
      }
      if (!value.isNumber() || (value.isIntegralNumber() && !value.canConvertToLong())) {
        throw new HttpProblem(401, "malformed token: " + name);
      }
    }
  }
}
