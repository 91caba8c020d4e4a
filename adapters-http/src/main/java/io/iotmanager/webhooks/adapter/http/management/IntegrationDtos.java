package io.iotmanager.webhooks.adapter.http.management;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.iotmanager.webhooks.domain.IntegrationScope;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.iotmanager.webhooks.domain.WebhookUrl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Request and response shapes of A3, mapped to and from domain records. */
final class IntegrationDtos {
  private IntegrationDtos() {}

  record IntegrationRequest(String provider, CredentialsRequest credentials, String description, JsonNode scopes) {}

  static final class CredentialsRequest {
    @JsonProperty("type")
    String type;
    @JsonProperty("http")
    HttpRequest http;
    /** Only read by {@code PUT …/credentials}: how long the replaced secret stays valid, in seconds. */
    @JsonProperty("previous_secret_valid_for")
    JsonNode previousSecretValidFor;
    final Map<String, String> opaque = new LinkedHashMap<>();

    @JsonAnySetter
    void other(String name, Object value) {
      if (value instanceof String s) {
        opaque.put(name, s);
      } else if (value instanceof Map<?, ?> map) {
        map.forEach((k, v) -> {
          if (v instanceof String s) {
            opaque.put(name + "." + k, s);
          }
        });
      }
    }
  }

  record HttpRequest(String url, String secret) {}

  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  @JsonPropertyOrder({"id", "provider", "credentials", "description", "scopes", "health"})
  record IntegrationResponse(String id, String provider, CredentialsResponse credentials, String description,
      List<String> scopes, HealthResponse health) {}

  /**
   * Ours, after Mender's fields: how deliveries to the integration go; absent until its first attempt, so
   * an integration never attempted reads exactly as Mender shows it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"status", "consecutive_failures", "last_success_at", "last_failure_at", "failing_since",
      "disabled_at", "disabled_reason"})
  record HealthResponse(String status, @JsonProperty("consecutive_failures") int consecutiveFailures,
      @JsonProperty("last_success_at") String lastSuccessAt, @JsonProperty("last_failure_at") String lastFailureAt,
      @JsonProperty("failing_since") String failingSince, @JsonProperty("disabled_at") String disabledAt,
      @JsonProperty("disabled_reason") String disabledReason) {}

  /** {@code disabled}, {@code failing} or {@code healthy}; empty for an integration never attempted. */
  static Optional<HealthResponse> health(IntegrationHealth h) {
    if (h == null || h.equals(IntegrationHealth.NONE)) {
      return Optional.empty();
    }
    String status = h.disabled() ? "disabled" : h.failing() ? "failing" : "healthy";
    return Optional.of(new HealthResponse(status, h.consecutiveFailures(), time(h.lastSuccessAt()),
        time(h.lastFailureAt()), time(h.failingSince()), time(h.disabledAt()), h.disabledReason().orElse(null)));
  }

  private static String time(Optional<Instant> at) {
    return at.map(EventTime::format).orElse(null);
  }

  /** {@code type} first, then {@code http} (webhooks) or the other providers' fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "http"})
  record CredentialsResponse(String type, HttpResponse http, @JsonIgnore Map<String, Object> other) {
    @JsonAnyGetter
    Map<String, Object> otherFields() {
      return other;
    }
  }

  /**
   * {@code previous_secret_valid_until} (added by this service): while a secret rotation's previous secret is
   * stored, when its overlap ends (or ended: it is dropped on the next credentials change).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"url", "secret", "previous_secret_valid_until"})
  record HttpResponse(String url, String secret,
      @JsonProperty("previous_secret_valid_until") String previousSecretValidUntil) {}

  static Provider provider(String name) {
    if (name == null || name.isBlank()) {
      throw new DomainValidationException("provider: cannot be blank");
    }
    return Provider.fromWire(name).orElseThrow(() -> new DomainValidationException(
        "provider: must be one of webhook, iot-hub, iot-core"));
  }

  static Credentials credentials(CredentialsRequest req) {
    if (req == null) {
      throw new DomainValidationException("credentials: cannot be blank");
    }
    if (req.type == null || req.type.isBlank()) {
      throw new DomainValidationException("credentials: type: cannot be blank");
    }
    CredentialType type = CredentialType.fromWire(req.type).orElseThrow(() ->
        new DomainValidationException("credentials: type: must be one of http, sas, aws"));
    if (type == CredentialType.HTTP && req.http == null) {
      throw new DomainValidationException("credentials: http: cannot be blank");
    }
    try {
      if (type == CredentialType.HTTP) {
        Optional<WebhookSecret> secret = req.http.secret() == null ? Optional.empty()
            : Optional.of(secretOf(req.http.secret()));
        return Credentials.http(new HttpCredentials(WebhookUrl.parseNew(req.http.url()), secret));
      }
      return new Credentials(type, Optional.empty(), req.opaque);
    } catch (DomainValidationException e) {
      throw new DomainValidationException("credentials: http: " + e.getMessage());
    }
  }

  /**
   * {@code scopes} as given: absent or null is none; else a list (possibly empty) of {@code deviceauth} and
   * {@code inventory}.
   *
   * @throws DomainValidationException {@link IntegrationScope#INVALID} for anything else
   */
  static Optional<List<IntegrationScope>> scopes(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Optional.empty();
    }
    if (!node.isArray()) {
      throw new DomainValidationException(IntegrationScope.INVALID);
    }
    List<IntegrationScope> scopes = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new DomainValidationException(IntegrationScope.INVALID);
      }
      scopes.add(IntegrationScope.fromWire(item.textValue())
          .orElseThrow(() -> new DomainValidationException(IntegrationScope.INVALID)));
    }
    return Optional.of(scopes);
  }

  /**
   * {@code previous_secret_valid_for}: absent or null is the default; else a whole number of seconds (the
   * range is the command's).
   *
   * @throws DomainValidationException {@link SetIntegrationCredentialsCommand#BAD_PREVIOUS_SECRET_VALIDITY}
   */
  static Optional<Duration> previousSecretValidFor(CredentialsRequest req) {
    JsonNode node = req == null ? null : req.previousSecretValidFor;
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new DomainValidationException(SetIntegrationCredentialsCommand.BAD_PREVIOUS_SECRET_VALIDITY);
    }
    long seconds = node.longValue();
    if (seconds < 0 || seconds > SetIntegrationCredentialsCommand.MAX_PREVIOUS_SECRET_VALIDITY.toSeconds()) {
      throw new DomainValidationException(SetIntegrationCredentialsCommand.BAD_PREVIOUS_SECRET_VALIDITY);
    }
    return Optional.of(Duration.ofSeconds(seconds));
  }

  private static WebhookSecret secretOf(String hex) {
    try {
      return WebhookSecret.fromHex(hex);
    } catch (DomainValidationException e) {
      throw new DomainValidationException("secret: must be a hexadecimal string");
    }
  }

  static IntegrationResponse response(Integration integration) {
    return response(integration, null);
  }

  static IntegrationResponse response(Integration integration, IntegrationHealth health) {
    Credentials c = integration.credentials();
    HttpResponse http = c.http().map(h -> new HttpResponse(h.shownUrl(),
        h.secret().isPresent() ? WebhookSecret.OMITTED : null,
        h.previousSecret().map(p -> EventTime.format(p.validUntil())).orElse(null))).orElse(null);
    Map<String, Object> other = new LinkedHashMap<>();
    c.opaque().forEach((k, v) -> {
      int dot = k.indexOf('.');
      if (dot > 0) {
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) other.computeIfAbsent(k.substring(0, dot),
            x -> new LinkedHashMap<String, Object>());
        nested.put(k.substring(dot + 1), isSecretName(k) ? WebhookSecret.OMITTED : v);
      } else {
        other.put(k, isSecretName(k) ? WebhookSecret.OMITTED : v);
      }
    });
    String description = integration.description().isEmpty() ? null : integration.description();
    List<String> scopes = integration.scopes()
        .map(list -> list.stream().map(IntegrationScope::wireName).toList()).orElse(null);
    return new IntegrationResponse(integration.id().toString(), integration.provider().wireName(),
        new CredentialsResponse(c.type().wireName(), http, other), description, scopes,
        health(health).orElse(null));
  }

  private static boolean isSecretName(String key) {
    return Credentials.isSecretField(key);
  }

  static List<IntegrationResponse> responses(List<Integration> integrations) {
    return responses(integrations, Map.of());
  }

  static List<IntegrationResponse> responses(List<Integration> integrations, Map<UUID, IntegrationHealth> health) {
    return integrations.stream().map(i -> response(i, health.get(i.id()))).toList();
  }

  /** The body of {@code POST …/recover}. */
  record RecoverRequest(String since) {}

  /** The answer of enabling and of a recovery: how many events were queued. */
  record QueuedResponse(int queued) {}
}
