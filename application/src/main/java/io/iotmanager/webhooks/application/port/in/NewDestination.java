package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.WebhookUrl;

/**
 * The URL rules of a new or changed webhook ({@link WebhookUrl#checkNew}), shared by the create and the
 * set-credentials commands. URLs read from the store are not held to them (they may predate them).
 */
final class NewDestination {
  private NewDestination() {}

  /** @throws DomainValidationException prefixed {@code credentials: http: url: } when the URL breaks a rule */
  static void check(Credentials credentials) {
    credentials.http().ifPresent(http -> {
      try {
        WebhookUrl.checkNew(http.url());
      } catch (DomainValidationException e) {
        throw new DomainValidationException("credentials: http: " + e.getMessage());
      }
    });
  }
}
