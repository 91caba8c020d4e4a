package io.iotmanager.webhooks.application.port.in;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Provider;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Save time: the create and set-credentials commands hold a webhook URL to the rules of new or changed
 * URLs, whoever builds them (the HTTP adapter, the console, a test), with the field named.
 */
class NewDestinationTest {
  private static Credentials http(String url) {
    // parseUrl is the lenient reader of stored URLs: the commands must not rely on the caller's parsing
    return Credentials.http(new HttpCredentials(HttpCredentials.parseUrl(url), Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://user:password@example.com/", "https://user@example.com/", "http://example.com:0/",
      "http://example.com:99999/", "http://0177.0.0.1/", "http://2130706433/", "http://1.2.3.04/",
      "http://[fe80::1%25eth0]/", "http://010.0.0.1/"})
  void bothCommandsRefuseAUrlThatBreaksARule(String url) {
    for (Runnable build : new Runnable[] {
        () -> new CreateIntegrationCommand("t1", Provider.WEBHOOK, http(url), ""),
        () -> new SetIntegrationCredentialsCommand("t1", UUID.randomUUID(), http(url))}) {
      DomainValidationException e = assertThrows(DomainValidationException.class, build::run, url);
      assertTrue(e.getMessage().startsWith("credentials: http: url: "), e.getMessage());
      assertTrue(!e.getMessage().contains("password@"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://" + "a.example/" + "x", "https://203.0.113.10:8443/", "https://[2001:db8::1]/"})
  void aGoodUrlAndOtherProvidersPass(String url) {
    assertDoesNotThrow(() -> new CreateIntegrationCommand("t1", Provider.WEBHOOK, http(url), ""));
    assertDoesNotThrow(() -> new SetIntegrationCredentialsCommand("t1", UUID.randomUUID(), http(url)));
    assertDoesNotThrow(() -> new CreateIntegrationCommand("t1", Provider.fromWire("iot-hub").orElseThrow(),
        new Credentials(CredentialType.SAS, Optional.empty(), Map.of("connection_string", "x")), ""));
  }
}
