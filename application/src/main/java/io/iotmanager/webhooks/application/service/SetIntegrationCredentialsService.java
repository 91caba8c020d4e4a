package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsUseCase;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.PreviousSecret;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Replaces an integration's credentials; the next delivery attempt uses them. When a webhook's secret
 * changes, the secret it replaces is kept as the previous secret for the command's overlap (24 h by
 * default): until then every request is signed with both. Only one previous secret is kept (a second
 * change during an overlap replaces it with the secret current until then); one whose overlap has ended
 * is dropped here, on this write.
 */
public final class SetIntegrationCredentialsService implements SetIntegrationCredentialsUseCase {
  private final IntegrationRepository integrations;
  private final DestinationCheck destinationCheck;
  private final Clock clock;

  public SetIntegrationCredentialsService(IntegrationRepository integrations, DestinationCheck destinationCheck) {
    this(integrations, destinationCheck, Clock.systemUTC());
  }

  public SetIntegrationCredentialsService(IntegrationRepository integrations, DestinationCheck destinationCheck,
      Clock clock) {
    this.integrations = integrations;
    this.destinationCheck = destinationCheck;
    this.clock = clock;
  }

  @Override
  public Future<Void> setIntegrationCredentials(SetIntegrationCredentialsCommand command) {
    return integrations.findById(command.tenantId(), command.integrationId()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND));
      }
      Integration current = found.get();
      try {
        current.withCredentials(command.credentials());
      } catch (DomainValidationException e) {
        return Future.failedFuture(e);
      }
      Credentials next = withOverlap(current.credentials(), command, clock.instant());
      return destinationCheck.check(command.credentials())
          .compose(ok -> integrations.updateCredentials(command.tenantId(), command.integrationId(), next))
          .compose(updated -> updated ? Future.<Void>succeededFuture()
              : Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND)));
    });
  }

  /** The new credentials with the previous secret they keep, if any. */
  static Credentials withOverlap(Credentials before, SetIntegrationCredentialsCommand command, Instant now) {
    Credentials requested = command.credentials();
    Optional<HttpCredentials> http = requested.http();
    if (http.isEmpty() || http.get().secret().isEmpty()) {
      return requested;
    }
    WebhookSecret secret = http.get().secret().get();
    Optional<HttpCredentials> old = before.http();
    Optional<WebhookSecret> oldSecret = old.flatMap(HttpCredentials::secret);
    Optional<PreviousSecret> previous;
    if (oldSecret.isPresent() && !oldSecret.get().equals(secret)) {
      Duration validity = command.previousSecretValidFor()
          .orElse(SetIntegrationCredentialsCommand.DEFAULT_PREVIOUS_SECRET_VALIDITY);
      previous = Optional.of(new PreviousSecret(oldSecret.get(), now.plus(validity)));
    } else {
      // the secret stays: a running overlap goes on, or ends (or is extended) when the command says so
      previous = old.flatMap(HttpCredentials::previousSecret).filter(p -> !p.secret().equals(secret));
      if (command.previousSecretValidFor().isPresent()) {
        Instant until = now.plus(command.previousSecretValidFor().get());
        previous = previous.map(p -> new PreviousSecret(p.secret(), until));
      }
    }
    previous = previous.filter(p -> p.isValidAt(now));
    return new Credentials(requested.type(), Optional.of(http.get().withPreviousSecret(previous)), requested.opaque());
  }
}
