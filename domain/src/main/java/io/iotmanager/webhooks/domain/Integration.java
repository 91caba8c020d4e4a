package io.iotmanager.webhooks.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An integration of a tenant: a webhook URL and secret (or another provider's settings), and the
 * {@code scopes} it was given, if any ({@link #receivesDeviceEvents}).
 */
public record Integration(UUID id, String tenantId, Provider provider, Credentials credentials, String description,
    Optional<List<IntegrationScope>> scopes) {
  public static final int MAX_DESCRIPTION_BYTES = 1024;

  public Integration {
    if (id == null) {
      throw new DomainValidationException("id: cannot be blank");
    }
    if (tenantId == null) {
      throw new DomainValidationException("tenant: cannot be null");
    }
    if (provider == null) {
      throw new DomainValidationException("provider: cannot be blank");
    }
    if (credentials == null) {
      throw new DomainValidationException("credentials: cannot be blank");
    }
    checkPairing(provider, credentials);
    description = description == null ? "" : description;
    checkDescription(description);
    scopes = scopes == null ? Optional.empty() : scopes.map(Integration::distinct);
  }

  /** Without scopes: receives every event. */
  public Integration(UUID id, String tenantId, Provider provider, Credentials credentials, String description) {
    this(id, tenantId, provider, credentials, description, Optional.empty());
  }

  /** The scopes in their first order, each once; a null one is refused. */
  private static List<IntegrationScope> distinct(List<IntegrationScope> scopes) {
    List<IntegrationScope> kept = new ArrayList<>();
    for (IntegrationScope scope : scopes) {
      if (scope == null) {
        throw new DomainValidationException(IntegrationScope.INVALID);
      }
      if (!kept.contains(scope)) {
        kept.add(scope);
      }
    }
    return List.copyOf(kept);
  }

  /**
   * True when device lifecycle events (every event this service takes in) go to this integration: it has
   * no scopes (absent), an empty list of them (no restriction, as Mender reads it: an integration made
   * before scopes existed, or with no box ticked, gets the device events), or {@code deviceauth} among them.
   */
  public boolean receivesDeviceEvents() {
    return scopes.map(s -> s.isEmpty() || s.contains(IntegrationScope.DEVICEAUTH)).orElse(true);
  }

  /** A provider accepts exactly one credentials type ({@code webhook} needs {@code http}). */
  public static void checkPairing(Provider provider, Credentials credentials) {
    if (provider.credentialType() != credentials.type()) {
      throw new DomainValidationException("credentials: type: must be \"" + provider.credentialType().wireName()
          + "\" for provider \"" + provider.wireName() + "\"");
    }
  }

  public static void checkDescription(String description) {
    if (description.getBytes(StandardCharsets.UTF_8).length > MAX_DESCRIPTION_BYTES) {
      throw new DomainValidationException("description: the length must be no more than " + MAX_DESCRIPTION_BYTES);
    }
  }

  public Integration withCredentials(Credentials newCredentials) {
    return new Integration(id, tenantId, provider, newCredentials, description, scopes);
  }

  public boolean isWebhook() {
    return provider == Provider.WEBHOOK;
  }
}
