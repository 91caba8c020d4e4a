package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.ReservedAddresses;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The save-time half of the reserved-address rule (docs/wire-contract.md A6): every address the webhook's host
 * resolves to must be public, unless the check is turned off. It only resolves the name; it never
 * connects to the destination.
 */
public final class DestinationCheck {
  /** The field the messages name, as the other credential validation messages do. */
  static final String FIELD = "credentials: http: url: ";

  private final AddressResolver resolver;
  private final boolean skipVerify;

  public DestinationCheck(AddressResolver resolver, boolean skipVerify) {
    this.resolver = resolver;
    this.skipVerify = skipVerify;
  }

  /** Succeeds when the destination may be used; fails with a DomainValidationException saying why not. */
  public Future<Void> check(Credentials credentials) {
    Optional<HttpCredentials> http = credentials.http();
    if (skipVerify || http.isEmpty()) {
      return Future.succeededFuture();
    }
    String host = stripBrackets(http.get().host());
    return resolver.resolve(host)
        .recover(err -> Future.failedFuture(
            new DomainValidationException(FIELD + "cannot resolve host \"" + host + "\"")))
        .compose(addresses -> {
          if (addresses.isEmpty()) {
            return Future.failedFuture(
                new DomainValidationException(FIELD + "cannot resolve host \"" + host + "\""));
          }
          Optional<InetAddress> reserved = ReservedAddresses.firstReserved(addresses);
          if (reserved.isPresent()) {
            return Future.failedFuture(new DomainValidationException(FIELD + "host \"" + host
                + "\" resolves to a reserved address (" + reserved.get().getHostAddress() + ")"));
          }
          return Future.succeededFuture();
        });
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
