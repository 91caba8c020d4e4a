package io.iotmanager.webhooks.adapter.http.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.adapter.http.web.HttpProblem;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Identity from the JWT of docs/wire-contract.md A2: {@code Authorization: Bearer}, else the {@code JWT} cookie. The
 * payload must be JSON with {@code sub}; management calls need {@code "mender.user": true}.
 */
public final class Identities {
  public static final String USER_MISSING = "user identity missing from authorization token";

  private final JwtVerifier verifier;

  private Identities(JwtVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * Identities from JWTs checked with {@code jwtVerifyKey} ({@code jwt_verify_key}): empty decodes only
   * (behind Mender's gateway); else a PEM public key (RSA, EC P-256 or Ed25519) or {@code hs256:<secret>},
   * which alone decides the algorithm a token must be signed with.
   *
   * @throws IllegalArgumentException whose message starts {@code jwt_verify_key: } when the key is not usable
   */
  public static Identities from(Optional<String> jwtVerifyKey) {
    return new Identities(JwtVerifier.from(jwtVerifyKey.filter(k -> !k.isBlank())));
  }

  /** The caller's identity, or an {@link HttpProblem} 401/403. */
  public Identity user(RoutingContext ctx) {
    String token = token(ctx);
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw unauthorized("malformed token");
    }
    JsonNode claims;
    try {
      byte[] payload = Base64.getUrlDecoder().decode(stripPadding(parts[1]));
      claims = Json.MAPPER.readTree(new String(payload, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw unauthorized("malformed token");
    }
    if (claims == null || !claims.isObject()) {
      throw unauthorized("malformed token");
    }
    verifier.verify(token, claims);
    JsonNode sub = claims.get("sub");
    if (sub == null || !sub.isTextual() || sub.asText().isEmpty()) {
      throw unauthorized("malformed token: missing subject");
    }
    JsonNode user = claims.get("mender.user");
    if (user == null || !user.isBoolean() || !user.booleanValue()) {
      throw new HttpProblem(403, USER_MISSING);
    }
    JsonNode tenant = claims.get("mender.tenant");
    if (tenant != null && !tenant.isNull() && !tenant.isTextual()) {
      // never let a tenant that is not a string fall back to the open-source tenant ""
      throw unauthorized("malformed token: mender.tenant");
    }
    return new Identity(sub.asText(), tenant != null && tenant.isTextual() ? tenant.asText() : "");
  }

  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      String[] parts = header.trim().split("\\s+", 2);
      if (parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") && !parts[1].isBlank()) {
        return parts[1].trim();
      }
      throw unauthorized("malformed Authorization header");
    }
    Cookie cookie = ctx.request().getCookie("JWT");
    if (cookie != null && cookie.getValue() != null && !cookie.getValue().isBlank()) {
      return cookie.getValue().trim();
    }
    throw unauthorized("Authorization not present in header");
  }

  private static String stripPadding(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    return s.substring(0, end);
  }

  private static HttpProblem unauthorized(String message) {
    return new HttpProblem(401, message);
  }
}
