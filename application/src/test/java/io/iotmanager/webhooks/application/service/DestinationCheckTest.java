package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.domain.DomainValidationException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The save-time reserved-address check (docs/wire-contract.md A6) with a fake resolver: its only way to the outside is
 * {@link AddressResolver#resolve}, so it can resolve a name but never connect to it.
 */
class DestinationCheckTest {
  /** Answers from a fixed table and records every name asked; an unknown name does not resolve. */
  static final class FakeResolver implements AddressResolver {
    final Map<String, List<String>> table;
    final List<String> asked = new ArrayList<>();

    FakeResolver(Map<String, List<String>> table) {
      this.table = table;
    }

    @Override
    public Future<List<InetAddress>> resolve(String host) {
      asked.add(host);
      List<String> literals = table.get(host);
      if (literals == null) {
        return Future.failedFuture(new UnknownHostException(host));
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (String literal : literals) {
        try {
          addresses.add(InetAddress.getByName(literal)); // literals only: no DNS
        } catch (UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
      return Future.succeededFuture(addresses);
    }
  }

  static final FakeResolver RESOLVER = new FakeResolver(Map.of(
      "public.example", List.of("203.0.113.10", "2001:db8::1"),
      "mixed.example", List.of("203.0.113.10", "10.1.2.3"),
      "rebind.example", List.of("2001:db8::1", "::ffff:169.254.169.254"),
      "empty.example", List.of(),
      "localhost", List.of("127.0.0.1", "::1"),
      "::1", List.of("::1"),
      "127.0.0.1", List.of("127.0.0.1")));

  static Credentials webhook(String url) {
    return Credentials.http(new HttpCredentials(URI.create(url), Optional.empty()));
  }

  static Throwable refusal(DestinationCheck check, String url) {
    Future<Void> result = check.check(webhook(url));
    assertTrue(result.failed(), url + " should be refused");
    return assertInstanceOf(DomainValidationException.class, result.cause());
  }

  @Test
  void aHostWhoseAddressesAreAllPublicPasses() {
    FakeResolver resolver = new FakeResolver(RESOLVER.table);
    assertTrue(new DestinationCheck(resolver, false).check(webhook("https://public.example:8443/x")).succeeded());
    assertEquals(List.of("public.example"), resolver.asked);
  }

  @Test
  void oneReservedAddressAmongSeveralIsEnoughToRefuse() {
    DestinationCheck check = new DestinationCheck(RESOLVER, false);
    assertEquals("credentials: http: url: host \"mixed.example\" resolves to a reserved address (10.1.2.3)",
        refusal(check, "https://mixed.example/").getMessage());
    assertEquals("credentials: http: url: host \"rebind.example\" resolves to a reserved address (169.254.169.254)",
        refusal(check, "http://rebind.example/").getMessage());
    assertEquals("credentials: http: url: host \"localhost\" resolves to a reserved address (127.0.0.1)",
        refusal(check, "http://localhost:8080/").getMessage());
  }

  @Test
  void anIpv6LiteralIsResolvedWithoutItsBrackets() {
    FakeResolver resolver = new FakeResolver(RESOLVER.table);
    assertEquals("credentials: http: url: host \"::1\" resolves to a reserved address (0:0:0:0:0:0:0:1)",
        refusal(new DestinationCheck(resolver, false), "http://[::1]:9000/").getMessage());
    assertEquals(List.of("::1"), resolver.asked);
  }

  @Test
  void aHostThatDoesNotResolveOrHasNoAddressIsRefused() {
    DestinationCheck check = new DestinationCheck(RESOLVER, false);
    assertEquals("credentials: http: url: cannot resolve host \"nowhere.invalid\"",
        refusal(check, "https://nowhere.invalid/").getMessage());
    assertEquals("credentials: http: url: cannot resolve host \"empty.example\"",
        refusal(check, "https://empty.example/").getMessage());
  }

  @Test
  void skipVerifyTurnsTheCheckOffWithoutResolving() {
    FakeResolver resolver = new FakeResolver(RESOLVER.table);
    DestinationCheck check = new DestinationCheck(resolver, true);
    assertTrue(check.check(webhook("http://127.0.0.1/")).succeeded());
    assertTrue(check.check(webhook("http://nowhere.invalid/")).succeeded());
    assertEquals(List.of(), resolver.asked);
  }

  @Test
  void credentialsWithoutAUrlAreNotChecked() {
    FakeResolver resolver = new FakeResolver(RESOLVER.table);
    Credentials sas = new Credentials(CredentialType.SAS, Optional.empty(),
        Map.of("connection_string", "HostName=127.0.0.1;SharedAccessKey=x"));
    assertTrue(new DestinationCheck(resolver, false).check(sas).succeeded());
    assertEquals(List.of(), resolver.asked);
  }
}
