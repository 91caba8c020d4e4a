package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/** Replaces credentials; fails with NotFound, or DomainValidationException when they do not fit the provider. */
public interface SetIntegrationCredentialsUseCase {
  Future<Void> setIntegrationCredentials(SetIntegrationCredentialsCommand command);
}
