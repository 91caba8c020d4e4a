package io.iotmanager.webhooks.adapter.http.webhook;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.iotmanager.webhooks.domain.ReservedAddresses;
import io.iotmanager.webhooks.domain.WebhookUrl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Sends webhooks with Vert.x's HTTP client: pooled keep-alive connections, no redirects, one deadline
 * per attempt. With the address check on, it resolves the host itself, refuses a reserved address and
 * dials exactly the address it checked (the Host header and TLS name stay the URL's), so a DNS answer
 * that changes between check and connect cannot reach an internal address. A host written in a form
 * readers disagree on ({@code 0177.0.0.1}, {@code 127.1}, ...) is never dialled, whatever the check says.
 * A user name and password in a URL saved before they were refused are sent as HTTP Basic
 * authentication, as the original's Go client does, and masked in every error message.
 */
final class VertxWebhookSender implements WebhookSender {
  private final Vertx vertx;
  private final AddressResolver resolver;
  private final HttpClient client;

  VertxWebhookSender(Vertx vertx, AddressResolver resolver, int maxPerHost) {
    this.vertx = vertx;
    this.resolver = resolver;
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setVerifyHost(true)
            .setMaxRedirects(0)
            .setDecompressionSupported(false)
            .setKeepAliveTimeout(30),
        new PoolOptions().setHttp1MaxSize(maxPerHost).setMaxWaitQueueSize(-1));
  }

  @Override
  public Future<WebhookResponse> send(WebhookRequest request) {
    long start = System.nanoTime();
    long timeoutMs = request.timeout().toMillis();
    URI url = request.url();
    boolean ssl = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
    Optional<String> badHost = WebhookUrl.hostProblem(WebhookUrl.host(url));
    if (badHost.isPresent()) {
      return Future.succeededFuture(WebhookResponse.error("refusing to connect to \"" + WebhookUrl.masked(url)
          + "\": " + badHost.get(), elapsed(start)));
    }
    String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
        : url.getHost();
    // One deadline for the whole attempt: name resolution, connect, request and response.
    Promise<WebhookResponse> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> result.tryFail(new TimeoutException(
        "timeout after " + timeoutMs + " ms")));
    Future<Optional<SocketAddress>> server = request.checkAddress()
        ? resolveChecked(host, port).map(Optional::of)
        : Future.succeededFuture(Optional.empty());
    server.compose(address -> result.future().isComplete() ? Future.<WebhookResponse>failedFuture("timed out")
            : post(request, url, host, port, ssl, address, result.future()))
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) {
            result.tryComplete(new WebhookResponse(ar.result().statusCode(), ar.result().retryAfter(),
                Optional.empty(), elapsed(start)));
          } else {
            result.tryFail(ar.cause());
          }
        });
    return result.future()
        .recover(err -> Future.succeededFuture(WebhookResponse.error(describe(err, request), elapsed(start))));
  }

  private Future<WebhookResponse> post(WebhookRequest request, URI url, String host, int port, boolean ssl,
      Optional<SocketAddress> server, Future<WebhookResponse> deadline) {
    long timeoutMs = request.timeout().toMillis();
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(path)
        .setFollowRedirects(false)
        .setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs);
    server.ifPresent(options::setServer);
    return client.request(options).compose(req -> {
      deadline.onFailure(err -> req.reset());
      return send(req, request);
    });
  }

  private static Future<WebhookResponse> send(HttpClientRequest req, WebhookRequest request) {
    req.putHeader("Content-Type", "application/json");
    String userInfo = request.url().getUserInfo();
    if (userInfo != null) {
      String pair = userInfo.contains(":") ? userInfo : userInfo + ":";
      req.putHeader("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      req.putHeader(h.getKey(), h.getValue());
    }
    return req.send(Buffer.buffer(request.body())).compose(resp -> {
      int code = resp.statusCode();
      Optional<String> retryAfter = Optional.ofNullable(resp.getHeader("Retry-After"));
      return resp.end().recover(err -> Future.succeededFuture())
          .map(v -> WebhookResponse.status(code, retryAfter, -1));
    });
  }

  /** Resolves (the attempt's deadline covers it) and refuses a reserved address before dialling it. */
  private Future<SocketAddress> resolveChecked(String host, int port) {
    return resolver.resolve(host).compose(all -> {
      InetAddress chosen = all.get(0);
      if (ReservedAddresses.isReserved(chosen)) {
        return Future.failedFuture(new ReservedDestination(host, chosen));
      }
      return Future.succeededFuture(SocketAddress.inetSocketAddress(port, chosen.getHostAddress()));
    });
  }

  /** The attempt's error as stored and shown: Go's wording, the URL's password masked. */
  private static String describe(Throwable err, WebhookRequest request) {
    if (err instanceof ReservedDestination) {
      return err.getMessage();
    }
    String url = WebhookUrl.masked(request.url());
    if (err instanceof TimeoutException || (err.getMessage() != null
        && err.getMessage().toLowerCase(Locale.ROOT).contains("timeout"))) {
      return "Post \"" + url + "\": context deadline exceeded (timeout after "
          + request.timeout().toMillis() + " ms)";
    }
    if (err instanceof java.net.UnknownHostException) {
      return "Post \"" + url + "\": dial tcp: lookup " + request.url().getHost() + ": no such host";
    }
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    String userInfo = request.url().getRawUserInfo();
    if (userInfo != null) {
      message = message.replace(userInfo, WebhookUrl.MASK);
    }
    return "Post \"" + url + "\": " + message;
  }

  private static long elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }

  Future<Void> close() {
    return client.close();
  }

  /** The destination resolved to a reserved address (docs/wire-contract.md A6). */
  static final class ReservedDestination extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReservedDestination(String host, InetAddress address) {
      super("refusing to connect to \"" + host + "\": " + address.getHostAddress() + " is a reserved address", null,
          false, false);
    }
  }
}
