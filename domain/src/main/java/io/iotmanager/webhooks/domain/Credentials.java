package io.iotmanager.webhooks.domain;

import java.util.Map;
import java.util.Optional;

/**
 * The credentials of an integration. Webhooks carry {@link HttpCredentials}; the other providers'
 * credentials are kept as opaque string fields, stored and never used.
 */
public record Credentials(CredentialType type, Optional<HttpCredentials> http, Map<String, String> opaque) {
  public Credentials {
    if (type == null) {
      throw new DomainValidationException("credentials: type cannot be blank");
    }
    http = http == null ? Optional.empty() : http;
    opaque = opaque == null ? Map.of() : Map.copyOf(opaque);
    if (type == CredentialType.HTTP && http.isEmpty()) {
      throw new DomainValidationException("credentials: http: cannot be blank");
    }
  }

  public static Credentials http(HttpCredentials http) {
    return new Credentials(CredentialType.HTTP, Optional.of(http), Map.of());
  }
}
