package io.iotmanager.webhooks.adapter.http.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook sender against a local receiver on a real socket. */
@ExtendWith(VertxExtension.class)
class VertxWebhookSenderIT {
  private static final byte[] BODY = "{\"id\":\"00000000-0000-0000-0000-000000000000\",\"type\":\"device-decommissioned\",\"data\":{\"id\":\"dev1\"},\"time\":\"2024-01-01T00:00:00.123456789Z\"}"
      .getBytes(StandardCharsets.UTF_8);

  private record Received(String method, String uri, Map<String, String> headers, byte[] body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Consumer<HttpServerRequest> answer = req -> req.response().setStatusCode(200).end();
  private HttpServer server;
  private VertxWebhookSender sender;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
      received.add(new Received(req.method().name(), req.uri(), headers, body.getBytes()));
      answer.accept(req);
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    sender = new VertxWebhookSender(vertx, new BlockingAddressResolver(vertx), 4);
  }

  @AfterEach
  void stop() throws Exception {
    sender.close().await(10, TimeUnit.SECONDS);
    server.close().await(10, TimeUnit.SECONDS);
  }

  private String local(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  private WebhookResponse send(String url, Duration timeout, boolean checkAddress) throws Exception {
    WebhookRequest request = new WebhookRequest(URI.create(url), BODY,
        Map.of("User-Agent", "iot-webhooks/test", "webhook-id", "00000000-0000-0000-0000-000000000000"), timeout,
        checkAddress);
    return sender.send(request).await(30, TimeUnit.SECONDS);
  }

  @Test
  void postsTheExactBodyWithTheGivenHeadersToThePathAndQuery() throws Exception {
    WebhookResponse response = send(local("/hooks/a?tenant=t1&x=%2F"), Duration.ofSeconds(5), false);

    assertEquals(Optional.of(200), response.statusCode());
    assertEquals(Optional.empty(), response.error());
    assertTrue(response.durationMs() >= 0);
    assertEquals(1, received.size());
    Received r = received.get(0);
    assertEquals("POST", r.method());
    assertEquals("/hooks/a?tenant=t1&x=%2F", r.uri());
    assertArrayEquals(BODY, r.body());
    assertEquals("application/json", r.headers().get("content-type"));
    assertEquals("iot-webhooks/test", r.headers().get("user-agent"));
    assertEquals("00000000-0000-0000-0000-000000000000", r.headers().get("webhook-id"));
    assertEquals("127.0.0.1:" + server.actualPort(), r.headers().get("host"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"})
  void withTheAddressCheckALoopbackDestinationIsRefusedWithoutConnecting(String host) throws Exception {
    WebhookResponse response = send("http://" + host + ":" + server.actualPort() + "/", Duration.ofSeconds(5), true);

    assertEquals(Optional.empty(), response.statusCode());
    assertTrue(response.error().orElseThrow().contains("is a reserved address"), response.error().orElseThrow());
    assertEquals(List.of(), received);
  }

  @Test
  void withoutTheAddressCheckLoopbackIsDelivered() throws Exception {
    assertEquals(Optional.of(200), send(local("/"), Duration.ofSeconds(5), false).statusCode());
    assertEquals(1, received.size());
  }

  @Test
  void aRedirectIsReturnedAsItsStatusAndNotFollowed() throws Exception {
    answer = req -> {
      if (req.path().equals("/original")) {
        req.response().setStatusCode(307).putHeader("Location", local("/elsewhere")).end();
      } else {
        req.response().setStatusCode(200).end();
      }
    };

    WebhookResponse response = send(local("/original"), Duration.ofSeconds(5), false);

    assertEquals(Optional.of(307), response.statusCode());
    assertEquals(List.of("/original"), received.stream().map(Received::uri).toList());
  }

  @Test
  void aHangingReceiverTimesOutAtTheAttemptDeadline() throws Exception {
    answer = req -> { };

    WebhookResponse response = send(local("/slow"), Duration.ofMillis(500), false);

    assertEquals(Optional.empty(), response.statusCode());
    String error = response.error().orElseThrow();
    assertTrue(error.contains("deadline exceeded") && error.contains("500 ms"), error);
    assertTrue(response.durationMs() >= 450, "took " + response.durationMs() + " ms");
    assertTrue(response.durationMs() < 10_000, "took " + response.durationMs() + " ms");
    assertEquals(1, received.size());
  }

  @Test
  void aReceiverThatSendsHeadersButNeverTheBodyTimesOutToo() throws Exception {
    answer = req -> req.response().setChunked(true).setStatusCode(200).write("partial");

    WebhookResponse response = send(local("/trickle"), Duration.ofMillis(500), false);

    assertTrue(response.error().orElseThrow().contains("deadline exceeded"), response.toString());
  }

  @Test
  void retryAfterIsPassedThroughRaw() throws Exception {
    answer = req -> req.response().setStatusCode(429).putHeader("Retry-After", "17").end();
    WebhookResponse limited = send(local("/"), Duration.ofSeconds(5), false);
    assertEquals(Optional.of(429), limited.statusCode());
    assertEquals(Optional.of("17"), limited.retryAfter());

    answer = req -> req.response().setStatusCode(503).putHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT").end();
    assertEquals(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"), send(local("/"), Duration.ofSeconds(5), false)
        .retryAfter());
  }

  @Test
  void aRefusedConnectionIsAnErrorResponseNotAFailure() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    WebhookResponse response = send("http://127.0.0.1:" + closed + "/", Duration.ofSeconds(5), false);

    assertEquals(Optional.empty(), response.statusCode());
    assertTrue(response.error().orElseThrow().startsWith("Post \"http://127.0.0.1:" + closed + "/\": "),
        response.error().orElseThrow());
  }
}
