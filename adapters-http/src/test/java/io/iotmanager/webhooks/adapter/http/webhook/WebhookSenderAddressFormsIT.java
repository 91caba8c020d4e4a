package io.iotmanager.webhooks.adapter.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connect-time half of the URL and address rules, for URLs that are already stored (saved with
 * {@code domain_skipverify} on, or adopted from an older database) when the check is on: the sender
 * refuses ambiguous host forms and reserved addresses, tunnelled ones included, before dialling, and a
 * local receiver sees nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookSenderAddressFormsIT {
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private VertxWebhookSender sender;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> {
      received.add(Map.of("authorization", String.valueOf(req.getHeader("Authorization"))));
      req.response().setStatusCode(200).end();
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    sender = new VertxWebhookSender(vertx, new BlockingAddressResolver(vertx), 4);
  }

  @AfterEach
  void stop() throws Exception {
    sender.close().await(10, TimeUnit.SECONDS);
    server.close().await(10, TimeUnit.SECONDS);
  }

  private WebhookResponse send(String url, boolean checkAddress) throws Exception {
    return sender.send(new WebhookRequest(URI.create(url), BODY, Map.of(), Duration.ofSeconds(10), checkAddress))
        .await(30, TimeUnit.SECONDS);
  }

  /** Host forms readers disagree on: refused whether the address check is on or off. */
  static Stream<Arguments> ambiguousHosts() {
    return Stream.of("0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "127.0.1", "2130706433", "017700000001",
        "127.0.0.01", "127.0.0.1.").map(Arguments::of);
  }

  /** Addresses the check refuses when it is on, written in accepted forms. */
  static Stream<Arguments> reservedAddresses() {
    return Stream.of(
        "127.0.0.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[2002:7f00:1::]",                            // 6to4 of 127.0.0.1
        "[2002:a9fe:a9fe::1]",                        // 6to4 of 169.254.169.254
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",     // Teredo, client 127.0.0.1
        "[2001:0:4136:e378:8000:63bf:5601:5601]")     // Teredo, client 169.254.169.254
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguousHosts")
  void anAmbiguousHostIsNeverDialled(String host) throws Exception {
    for (boolean check : new boolean[] {true, false}) {
      WebhookResponse response = send("http://" + host + ":" + server.actualPort() + "/hook", check);
      assertEquals(Optional.empty(), response.statusCode(), host);
      String error = response.error().orElseThrow();
      assertTrue(error.startsWith("refusing to connect to"), error);
      assertTrue(error.contains("is not a canonical dotted-quad IPv4 address"), error);
    }
    assertEquals(List.of(), received);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reservedAddresses")
  void aReservedAddressIsRefusedWhenTheCheckIsOn(String host) throws Exception {
    WebhookResponse response = send("http://" + host + ":" + server.actualPort() + "/hook", true);
    assertEquals(Optional.empty(), response.statusCode(), host);
    String error = response.error().orElseThrow();
    assertTrue(error.contains("is a reserved address"), error);
    assertEquals(List.of(), received);
  }

  @Test
  void theCheckOffLetsACanonicalLoopbackAddressThrough() throws Exception {
    // the same receiver is reachable, so the refusals above are the check's doing
    assertEquals(Optional.of(200), send("http://127.0.0.1:" + server.actualPort() + "/hook", false).statusCode());
    assertEquals(1, received.size());
  }

  @Test
  void anAdoptedUrlWithUserInfoKeepsWorkingAsBasicAuthAndItsPasswordIsNeverInAnError() throws Exception {
    WebhookResponse ok = send("http://user:s3cret@127.0.0.1:" + server.actualPort() + "/hook", false);
    assertEquals(Optional.of(200), ok.statusCode());
    assertEquals("Basic dXNlcjpzM2NyZXQ=", received.get(0).get("authorization"));

    WebhookResponse failed = send("http://user:s3cret@127.0.0.1:1/hook", false);
    String error = failed.error().orElseThrow();
    assertTrue(error.contains("http://user:***@127.0.0.1:1/hook"), error);
    assertFalse(error.contains("s3cret"), error);

    WebhookResponse refused = send("http://user:s3cret@0177.0.0.1/hook", true);
    assertFalse(refused.error().orElseThrow().contains("s3cret"), refused.error().get());
  }
}
