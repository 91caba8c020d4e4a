package io.iotmanager.webhooks.bootstrap;

import static io.iotmanager.webhooks.bootstrap.Api.INTEGRATIONS;
import static io.iotmanager.webhooks.bootstrap.Api.assertError;
import static io.iotmanager.webhooks.bootstrap.Api.assertErrorStartingWith;
import static io.iotmanager.webhooks.bootstrap.Api.tenant;
import static io.iotmanager.webhooks.bootstrap.Api.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reserved-address check at save time (docs/wire-contract.md A6) over HTTP, with {@code domain_skipverify=false}.
 * Names resolve from {@code src/test/resources/test-hosts} only (see the failsafe {@code argLine}), and
 * the check resolves without connecting: nothing here sends a packet to a non-loopback address. No event
 * is ever posted, so nothing is delivered to the integrations stored here either.
 */
class ReservedDestinationIT {
  static final String RESERVED = "credentials: http: url: host ";
  static TestService checking;
  static TestService skipping;

  @BeforeAll
  static void start() throws Exception {
    List<TestService> both = TestService.startAll(List.of(Map.of("domain_skipverify", "false"),
        Map.of("domain_skipverify", "true")));
    checking = both.get(0);
    skipping = both.get(1);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (checking != null) {
        checking.close();
      }
    } finally {
      if (skipping != null) {
        skipping.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1/x", "http://127.1.2.3:8080/x", "http://localhost/x", "https://localhost:8443/x",
      "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/",
      "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://100.64.0.1/", "http://198.18.0.1/",
      "http://224.0.0.1/", "http://255.255.255.255/", "http://240.0.0.1/",
      "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/",
      "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[ff02::1]/",
      "http://[64:ff9b::a00:1]/", "http://[::127.0.0.1]/", "http://[2002:7f00:1::]/",
      "http://[2001:0:4136:e378:8000:63bf:5601:5601]/"})
  void aReservedDestinationIsRefusedAtSaveTimeAndAcceptedWithSkipVerify(String url) throws Exception {
    String token = TestService.userToken(tenant());
    String message = assertErrorStartingWith(checking.call("POST", INTEGRATIONS, token, webhook(url)), 400, RESERVED);
    assertTrue(message.contains("resolves to a reserved address"), message);
    assertEquals("[]", checking.call("GET", INTEGRATIONS, token, null).body(), "nothing stored");

    HttpResponse<String> skipped = skipping.call("POST", INTEGRATIONS, token, webhook(url));
    assertEquals(201, skipped.statusCode(), skipped.body());
  }

  @Test
  void theMessageNamesTheHostAndTheReservedAddress() throws Exception {
    String token = TestService.userToken(tenant());
    assertError(checking.call("POST", INTEGRATIONS, token, webhook("http://localhost/x")), 400,
        "credentials: http: url: host \"localhost\" resolves to a reserved address (127.0.0.1)");
    assertError(checking.call("POST", INTEGRATIONS, token, webhook("http://[::ffff:127.0.0.1]/")), 400,
        "credentials: http: url: host \"::ffff:127.0.0.1\" resolves to a reserved address (127.0.0.1)");
  }

  @Test
  void anUnresolvableHostIsRefusedAndAcceptedWithSkipVerify() throws Exception {
    String token = TestService.userToken(tenant());
    assertError(checking.call("POST", INTEGRATIONS, token, webhook("http://no-such-host.invalid/")), 400,
        "credentials: http: url: cannot resolve host \"no-such-host.invalid\"");
    HttpResponse<String> skipped = skipping.call("POST", INTEGRATIONS, token, webhook("http://no-such-host.invalid/"));
    assertEquals(201, skipped.statusCode(), skipped.body());
  }

  @Test
  void aHostThatResolvesToPublicAddressesIsAccepted() throws Exception {
    String token = TestService.userToken(tenant());
    // public.example.test is 203.0.113.10 in test-hosts; saving only resolves it
    String id = Api.create(checking, token, webhook("https://public.example.test/hook"));
    assertTrue(checking.call("GET", INTEGRATIONS + "/" + id, token, null).body()
        .contains("https://public.example.test/hook"));
    // an IP literal needs no resolver at all
    Api.create(checking, TestService.userToken(tenant()), webhook("http://203.0.113.11/"));
  }

  @Test
  void newCredentialsAreCheckedTooAndARefusalKeepsTheOldOnes() throws Exception {
    String token = TestService.userToken(tenant());
    String id = Api.create(checking, token, webhook("https://public.example.test/hook"));
    String path = INTEGRATIONS + "/" + id + "/credentials";
    for (String url : new String[] {"http://127.0.0.1/", "http://[::ffff:169.254.169.254]/", "http://localhost/"}) {
      assertErrorStartingWith(checking.call("PUT", path, token, "{\"type\":\"http\",\"http\":{\"url\":\"" + url + "\"}}"),
          400, RESERVED);
    }
    assertError(checking.call("PUT", path, token, "{\"type\":\"http\",\"http\":{\"url\":\"http://no-such-host.invalid/\"}}"),
        400, "credentials: http: url: cannot resolve host \"no-such-host.invalid\"");
    assertTrue(checking.call("GET", INTEGRATIONS + "/" + id, token, null).body()
        .contains("https://public.example.test/hook"), "unchanged");
    HttpResponse<String> ok = checking.call("PUT", path, token,
        "{\"type\":\"http\",\"http\":{\"url\":\"http://public.example.test:8080/other\"}}");
    assertEquals(204, ok.statusCode(), ok.body());
  }
}
