package io.iotmanager.webhooks.adapter.http;

import java.util.Optional;

/**
 * How the HTTP server listens and guards its input.
 *
 * @param host interface to bind; empty means all
 * @param port TCP port; 0 picks a free one
 * @param requestSizeLimit largest accepted request body, in bytes
 * @param jwtVerifyKey empty: decode JWTs only (behind a gateway); else a PEM public key or {@code hs256:<secret>}
 */
public record HttpSettings(String host, int port, long requestSizeLimit, Optional<String> jwtVerifyKey) {
  public HttpSettings {
    host = host == null || host.isBlank() ? "0.0.0.0" : host;
    jwtVerifyKey = jwtVerifyKey == null ? Optional.empty() : jwtVerifyKey.filter(k -> !k.isBlank());
    jwtVerifyKey.ifPresent(HttpSettings::checkJwtVerifyKey);
  }

  /**
   * Checks a {@code jwt_verify_key} value: {@code hs256:<secret>}, or a PEM RSA, EC or Ed25519 public key.
   *
   * @throws IllegalArgumentException whose message starts {@code jwt_verify_key: } when it is not usable
   */
  public static void checkJwtVerifyKey(String key) {
    JwtVerifier.from(Optional.of(key));
  }
}
