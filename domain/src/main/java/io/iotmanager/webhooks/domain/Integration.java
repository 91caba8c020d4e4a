package io.iotmanager.webhooks.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** An integration of a tenant: a webhook URL and secret (or another provider's settings). */
public record Integration(UUID id, String tenantId, Provider provider, Credentials credentials, String description) {
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
    return new Integration(id, tenantId, provider, newCredentials, description);
  }

  public boolean isWebhook() {
    return provider == Provider.WEBHOOK;
  }
}
