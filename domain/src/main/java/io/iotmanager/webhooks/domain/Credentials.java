package io.iotmanager.webhooks.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

  /**
   * True when an opaque field holds a secret: never returned, never logged, encrypted at rest like a
   * webhook secret. Judged by the last segment of the (dotted) name: {@code connection_string}
   * (iot-hub), anything with {@code secret}, {@code password} or {@code token}, or ending in {@code key}
   * ({@code aws.secret_access_key}); {@code aws.access_key_id} and {@code aws.region} are not.
   */
  public static boolean isSecretField(String name) {
    if (name == null) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    String leaf = lower.substring(lower.lastIndexOf('.') + 1);
    return leaf.equals("connection_string") || leaf.contains("secret") || leaf.contains("password")
        || leaf.contains("token") || leaf.endsWith("key");
  }

  /** Secret opaque fields print as {@code <omitted>}, like {@link WebhookSecret}. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    opaque.forEach((name, value) -> shown.put(name, isSecretField(name) ? WebhookSecret.OMITTED : value));
    return "Credentials[type=" + type + ", http=" + http + ", opaque=" + shown + "]";
  }
}
