package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.service.DestinationCheckTest.FakeResolver;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Save time, with the check on: a host that is, or resolves to, a 6to4 or Teredo address carrying a
 * reserved IPv4 address is refused; one carrying a public address passes.
 */
class DestinationTunnelCheckTest {
  static final FakeResolver RESOLVER = new FakeResolver(Map.of(
      "2002:7f00:1::", List.of("2002:7f00:1::"),
      "2002:a9fe:a9fe::", List.of("2002:a9fe:a9fe::"),
      "2001:0:4136:e378:8000:63bf:80ff:fffe", List.of("2001:0:4136:e378:8000:63bf:80ff:fffe"),
      "2001:0:4136:e378:8000:63bf:5601:5601", List.of("2001:0:4136:e378:8000:63bf:5601:5601"),
      "six-to-four.example", List.of("2001:db8::1", "2002:a00:1::1"),
      "teredo.example", List.of("2001:0:4136:e378:8000:63bf:f5ff:fffe"),
      "2002:808:808::", List.of("2002:808:808::"),
      "2001:0:4136:e378:8000:63bf:f7f7:f7f7", List.of("2001:0:4136:e378:8000:63bf:f7f7:f7f7")));

  @ParameterizedTest
  @CsvSource({
      "http://[2002:7f00:1::]/, 2002:7f00:1::",
      "http://[2002:a9fe:a9fe::]:8080/, 2002:a9fe:a9fe::",
      "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/, 2001:0:4136:e378:8000:63bf:80ff:fffe",
      "http://[2001:0:4136:e378:8000:63bf:5601:5601]/, 2001:0:4136:e378:8000:63bf:5601:5601",
      "https://six-to-four.example/, six-to-four.example",
      "https://teredo.example/, teredo.example"})
  void aTunnelAddressCarryingAReservedIpv4AddressIsRefused(String url, String host) {
    Future<Void> result = new DestinationCheck(RESOLVER, false).check(DestinationCheckTest.webhook(url));
    assertTrue(result.failed(), url);
    Throwable refusal = assertInstanceOf(DomainValidationException.class, result.cause());
    assertTrue(refusal.getMessage().startsWith("credentials: http: url: host \"" + host
        + "\" resolves to a reserved address"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://[2002:808:808::]/", "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/"})
  void aTunnelAddressCarryingAPublicAddressPasses(String url) {
    assertEquals(true, new DestinationCheck(RESOLVER, false).check(DestinationCheckTest.webhook(url)).succeeded());
  }
}
