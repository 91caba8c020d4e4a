package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Replace the credentials of an integration; a webhook URL meets {@link NewDestination}.
 * {@code previousSecretValidFor}: how long the secret being replaced stays valid next to the new one
 * (from {@link Duration#ZERO}, no overlap, to {@link #MAX_PREVIOUS_SECRET_VALIDITY}); empty means
 * {@link #DEFAULT_PREVIOUS_SECRET_VALIDITY} when the secret changes, and no change to a running overlap
 * when it does not.
 */
public record SetIntegrationCredentialsCommand(String tenantId, UUID integrationId, Credentials credentials,
    Optional<Duration> previousSecretValidFor) {
  public static final Duration DEFAULT_PREVIOUS_SECRET_VALIDITY = Duration.ofHours(24);
  public static final Duration MAX_PREVIOUS_SECRET_VALIDITY = Duration.ofDays(30);
  /** The message of a 400 for a value out of range (or not a whole number of seconds). */
  public static final String BAD_PREVIOUS_SECRET_VALIDITY = "previous_secret_valid_for: must be a whole number of "
      + "seconds from 0 to " + MAX_PREVIOUS_SECRET_VALIDITY.toSeconds();

  public SetIntegrationCredentialsCommand {
    if (tenantId == null || integrationId == null) {
      throw new DomainValidationException("tenant and integration id are required");
    }
    if (credentials == null) {
      throw new DomainValidationException("credentials: cannot be blank");
    }
    NewDestination.check(credentials);
    previousSecretValidFor = previousSecretValidFor == null ? Optional.empty() : previousSecretValidFor;
    previousSecretValidFor.ifPresent(validity -> {
      if (validity.isNegative() || validity.compareTo(MAX_PREVIOUS_SECRET_VALIDITY) > 0) {
        throw new DomainValidationException(BAD_PREVIOUS_SECRET_VALIDITY);
      }
    });
  }

  /** With the default overlap. */
  public SetIntegrationCredentialsCommand(String tenantId, UUID integrationId, Credentials credentials) {
    this(tenantId, integrationId, credentials, Optional.empty());
  }
}
