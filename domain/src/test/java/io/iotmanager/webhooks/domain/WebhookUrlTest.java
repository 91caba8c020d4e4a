package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of a new or changed webhook URL, one row per form: what is accepted, and for what is
 * refused, a part of the message that says why.
 */
class WebhookUrlTest {
  static final String HOST_FORM = "is not a canonical dotted-quad IPv4 address";
  static final String NOT_A_HOST = "is not a DNS name, a dotted-quad IPv4 address or an IPv6 literal";
  static final String PORT = "the port must be a number from 1 to 65535";
  static final String USERINFO = "must not contain a user name or password; authenticate the webhook with the secret";

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("https://example.com/hook"),
        Arguments.of("http://example.com:8080/x?y=1#f"),
        Arguments.of("HTTPS://Example.COM/"),
        Arguments.of("https://example.com./"),
        Arguments.of("https://xn--bcher-kva.example/"),
        Arguments.of("https://a-b.c0.example/"),
        Arguments.of("http://203.0.113.10/"),
        Arguments.of("http://0.0.0.0/"),
        Arguments.of("http://255.255.255.255/"),
        Arguments.of("http://[2001:db8::1]:443/"),
        Arguments.of("http://[::ffff:203.0.113.10]/"),
        Arguments.of("http://example.com:1/"),
        Arguments.of("http://example.com:65535/"),
        Arguments.of("http://example.com/" + "a".repeat(WebhookUrl.MAX_LENGTH - "http://example.com/".length())));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        // scheme and host
        Arguments.of("ftp://example.com/", "scheme must be http or https"),
        Arguments.of("javascript:alert(1)", "scheme must be http or https"),
        Arguments.of("example.com/hook", "scheme must be http or https"),
        Arguments.of("http:///hook", "must have a host"),
        Arguments.of("http:hook", "must have a host"),
        Arguments.of("not a url", "must be a valid URL"),
        Arguments.of(" ", "cannot be blank"),
        // port
        Arguments.of("http://example.com:0/", PORT),
        Arguments.of("http://example.com:65536/", PORT),
        Arguments.of("http://example.com:99999/", PORT),
        Arguments.of("http://example.com:-1/", PORT),
        Arguments.of("http://example.com:8o/", PORT),
        Arguments.of("http://203.0.113.10:0/", PORT),
        Arguments.of("http://[2001:db8::1]:70000/", PORT),
        // length
        Arguments.of("http://example.com/" + "a".repeat(WebhookUrl.MAX_LENGTH), "no more than 2048 characters"),
        // user name and password
        Arguments.of("https://user:password@example.com/", USERINFO),
        Arguments.of("https://user@example.com/", USERINFO),
        Arguments.of("https://:password@example.com/", USERINFO),
        Arguments.of("https://user:pass@203.0.113.10:8080/", USERINFO),
        Arguments.of("https://a@b@example.com/", USERINFO),
        // IPv4 written in forms readers disagree on
        Arguments.of("http://0177.0.0.1/", HOST_FORM),
        Arguments.of("http://0x7f.1/", HOST_FORM),
        Arguments.of("http://0x7f000001/", HOST_FORM),
        Arguments.of("http://0x7F.0.0.1/", HOST_FORM),
        Arguments.of("http://127.1/", HOST_FORM),
        Arguments.of("http://127.0.1/", HOST_FORM),
        Arguments.of("http://2130706433/", HOST_FORM),
        Arguments.of("http://017700000001/", HOST_FORM),
        Arguments.of("http://1.2.3.04/", HOST_FORM),
        Arguments.of("http://010.0.0.1/", HOST_FORM),
        Arguments.of("http://256.1.1.1/", HOST_FORM),
        Arguments.of("http://1.2.3.4.5/", HOST_FORM),
        Arguments.of("http://203.0.113.10./", HOST_FORM),
        Arguments.of("http://example.0x1/", HOST_FORM),
        Arguments.of("http://example.123/", HOST_FORM),
        Arguments.of("http://0177.0.0.1:8080/", HOST_FORM),
        // not a DNS name
        Arguments.of("http://foo_bar.example/", NOT_A_HOST),
        Arguments.of("http://-a.example/", NOT_A_HOST),
        Arguments.of("http://a-.example/", NOT_A_HOST),
        Arguments.of("http://a..example/", NOT_A_HOST),
        Arguments.of("http://ex%41mple.com/", NOT_A_HOST),
        Arguments.of("http://b\u00fccher.example/", NOT_A_HOST),
        Arguments.of("http://" + "a".repeat(64) + ".example/", NOT_A_HOST),
        // IPv6 literals
        Arguments.of("http://[fe80::1%25eth0]/", "must not carry an IPv6 zone"),
        Arguments.of("http://[v1.x]/", "must be a valid URL"),
        Arguments.of("http://[1:2]/", "must be a valid URL"),
        Arguments.of("http://[::1.2.3]/", "must be a valid URL"));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void accepted(String url) {
    URI parsed = assertDoesNotThrow(() -> WebhookUrl.parseNew(url));
    assertDoesNotThrow(() -> WebhookUrl.checkNew(parsed));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refused(String url, String why) {
    DomainValidationException e = assertThrows(DomainValidationException.class, () -> WebhookUrl.parseNew(url));
    assertTrue(e.getMessage().startsWith("url: "), e.getMessage());
    assertTrue(e.getMessage().contains(why), () -> url + " -> " + e.getMessage());
    assertFalse(e.getMessage().contains("password@"), "the message never echoes the URL's password");
  }

  /** The same rules on a URI built elsewhere (the create and set-credentials commands call this). */
  @ParameterizedTest
  @MethodSource("refused")
  void refusedAsUri(String url, String why) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (Exception e) {
      return; // not a URI at all: covered by parseNew
    }
    DomainValidationException e = assertThrows(DomainValidationException.class, () -> WebhookUrl.checkNew(uri));
    assertTrue(e.getMessage().contains(why) || why.equals("cannot be blank"), () -> url + " -> " + e.getMessage());
  }

  @Test
  void hostFormsAreJudgedOnTheirOwnForTheConnectTimeCheck() {
    assertEquals(Optional.empty(), WebhookUrl.hostProblem("example.com"));
    assertEquals(Optional.empty(), WebhookUrl.hostProblem("203.0.113.10"));
    assertEquals(Optional.empty(), WebhookUrl.hostProblem("[2002:7f00:1::]"));
    for (String host : new String[] {"0177.0.0.1", "0x7f.1", "127.1", "2130706433", "foo_bar", "[::1%eth0]",
        "[zz::1]", "", null}) {
      assertTrue(WebhookUrl.hostProblem(host).isPresent(), String.valueOf(host));
    }
  }

  @Test
  void aPasswordIsMaskedWheneverAUrlIsShown() {
    assertEquals("https://user:***@example.com/hook?x=1",
        WebhookUrl.masked(URI.create("https://user:s3cret@example.com/hook?x=1")));
    assertEquals("https://***@example.com/", WebhookUrl.masked(URI.create("https://token@example.com/")));
    assertEquals("https://user:***@example.com:8443/", WebhookUrl.masked(URI.create("https://user:p%40ss@example.com:8443/")));
    assertEquals("https://example.com/a@b", WebhookUrl.masked(URI.create("https://example.com/a@b")));
    assertEquals("https://example.com/", WebhookUrl.masked(URI.create("https://example.com/")));

    HttpCredentials adopted = new HttpCredentials(HttpCredentials.parseUrl("https://user:s3cret@example.com/"),
        Optional.of(WebhookSecret.fromHex("deadbeef")));
    assertEquals("https://user:***@example.com/", adopted.shownUrl());
    assertFalse(adopted.toString().contains("s3cret"), adopted.toString());
    assertFalse(Credentials.http(adopted).toString().contains("s3cret"));
    assertFalse(adopted.toString().contains("deadbeef"));
  }

  @Test
  void aUrlStoredBeforeTheRulesIsStillRead() {
    // adopted from an existing database: read as it is, only new or changed URLs meet the rules
    assertDoesNotThrow(() -> new HttpCredentials(HttpCredentials.parseUrl("https://user:pw@example.com:0/"),
        Optional.empty()));
  }
}
