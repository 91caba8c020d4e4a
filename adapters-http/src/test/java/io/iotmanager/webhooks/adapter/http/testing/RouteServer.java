package io.iotmanager.webhooks.adapter.http.testing;

import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.adapter.http.console.ConsoleRoutes;
import io.iotmanager.webhooks.adapter.http.docs.DocsRoutes;
import io.iotmanager.webhooks.adapter.http.intake.IntakeRoutes;
import io.iotmanager.webhooks.adapter.http.management.EventRoutes;
import io.iotmanager.webhooks.adapter.http.management.IntegrationRoutes;
import io.iotmanager.webhooks.adapter.http.metrics.PrometheusMetrics;
import io.iotmanager.webhooks.adapter.http.server.HttpApi;
import io.iotmanager.webhooks.adapter.http.server.HttpSettings;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API's routes on a real socket of {@code 127.0.0.1}, in front of {@link FakeUseCases}, with a
 * web client whose every response is checked against the OpenAPI documents ({@link ContractCheck}).
 */
public final class RouteServer {
  /** How long one call may take before the test fails. */
  public static final int CALL_TIMEOUT_SECONDS = 10;

  public final Vertx vertx;
  public final FakeUseCases useCases;
  public final PrometheusMetrics metrics;
  public final int port;
  private final WebClient client;
  private final ContractCheck contract;

  private RouteServer(Vertx vertx, FakeUseCases useCases, PrometheusMetrics metrics, int port, ContractCheck contract) {
    this.vertx = vertx;
    this.useCases = useCases;
    this.metrics = metrics;
    this.port = port;
    this.contract = contract;
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
        .setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** Every endpoint of the service over fresh fakes, 1 MiB body limit, JWTs decoded only. */
  public static RouteServer start(Vertx vertx) {
    return start(vertx, 1024 * 1024, Optional.empty());
  }

  /** Every endpoint of the service over fresh fakes, with this body limit and {@code jwt_verify_key}. */
  public static RouteServer start(Vertx vertx, long requestSizeLimit, Optional<String> jwtVerifyKey) {
    FakeUseCases fake = new FakeUseCases();
    PrometheusMetrics metrics = new PrometheusMetrics();
    Identities identities = Identities.from(jwtVerifyKey);
    List<Endpoint> endpoints = List.of(
        new IntegrationRoutes(identities, fake, fake, fake, fake, fake, fake, fake, fake),
        new EventRoutes(identities, fake, fake, fake, fake),
        new IntakeRoutes(fake, fake, fake, metrics),
        metrics,
        new ConsoleRoutes(),
        new DocsRoutes());
    ContractCheck contract = ContractCheck.load(vertx);
    for (int tries = 1; ; tries++) {
      int port = freePort();
      try {
        Bounded.await(vertx.deployVerticle(HttpApi.serverVerticle(new HttpSettings("127.0.0.1", port,
            requestSizeLimit), endpoints)), CALL_TIMEOUT_SECONDS);
        return new RouteServer(vertx, fake, metrics, port, contract);
      } catch (RuntimeException e) {
        if (tries == 3) {
          throw new IllegalStateException("cannot start the routes", e);
        }
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A response as the tests read it: status, body text, headers. */
  public record Reply(int statusCode, String body, java.net.http.HttpHeaders headers) {
    static Reply of(HttpResponse<Buffer> r) {
      java.util.Map<String, java.util.List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      r.headers().forEach(h -> map.computeIfAbsent(h.getKey(), k -> new java.util.ArrayList<>()).add(h.getValue()));
      return new Reply(r.statusCode(), r.body() == null ? "" : r.body().toString(java.nio.charset.StandardCharsets.UTF_8),
          java.net.http.HttpHeaders.of(map, (k, v) -> true));
    }
  }

  /** Sends a request; {@code token} (a bearer token) and {@code body} (JSON) may be null. */
  public Reply call(String method, String path, String token, String body) {
    return callWithHeaders(method, path, token == null ? java.util.Map.of()
        : java.util.Map.of("Authorization", "Bearer " + token), body);
  }

  /** Sends a request with exactly these extra headers (e.g. a {@code Cookie}); {@code body} may be null. */
  public Reply callWithHeaders(String method, String path, java.util.Map<String, String> headers, String body) {
    Call call = call(HttpMethod.valueOf(method), path);
    headers.forEach(call::header);
    return Reply.of(body == null ? call.send() : call.send(body));
  }

  /** Sends {@code body} without declaring its length ({@code Transfer-Encoding: chunked}). */
  public Reply callStreaming(String method, String path, String token, byte[] body) {
    Call call = call(HttpMethod.valueOf(method), path);
    if (token != null) {
      call.bearer(token);
    }
    return Reply.of(call.sendChunked(body));
  }

  public ContractCheck contract() {
    return contract;
  }

  public Call call(HttpMethod method, String path) {
    return new Call(method, path);
  }

  public Call get(String path) {
    return call(HttpMethod.GET, path);
  }

  /** One request: headers and body, then {@link #send()} (blocking, bounded, checked against the contract). */
  public final class Call {
    private final HttpMethod method;
    private final String path;
    private final HttpRequest<Buffer> request;
    private boolean checked = true;

    private Call(HttpMethod method, String path) {
      this.method = method;
      this.path = path;
      this.request = client.request(method, path).timeout(TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS));
    }

    public Call bearer(String token) {
      return header("Authorization", "Bearer " + token);
    }

    public Call header(String name, String value) {
      request.putHeader(name, value);
      return this;
    }

    /** Leaves the response unchecked against the contract: only for a test of the check itself. */
    public Call unchecked() {
      checked = false;
      return this;
    }

    public HttpResponse<Buffer> send() {
      return finish(request.send());
    }

    public HttpResponse<Buffer> send(String json) {
      request.putHeader("Content-Type", "application/json");
      return finish(request.sendBuffer(Buffer.buffer(json)));
    }

    /** Sends the body as a stream of unknown length (chunked), as a client streaming a body does. */
    public HttpResponse<Buffer> sendChunked(byte[] body) {
      request.putHeader("Content-Type", "application/json");
      io.vertx.core.streams.ReadStream<Buffer> stream = new io.vertx.core.streams.ReadStream<>() {
        private io.vertx.core.Handler<Buffer> data;
        private io.vertx.core.Handler<Void> end;
        private boolean sent;

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
          return this;
        }

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
          data = h;
          return this;
        }

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> pause() {
          return this;
        }

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> resume() {
          return fetch(Long.MAX_VALUE);
        }

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> fetch(long amount) {
          if (!sent && data != null && amount > 0) {
            sent = true;
            for (int at = 0; at < body.length; at += 8192) {
              data.handle(Buffer.buffer(java.util.Arrays.copyOfRange(body, at, Math.min(body.length, at + 8192))));
            }
            if (end != null) {
              end.handle(null);
            }
          }
          return this;
        }

        @Override
        public io.vertx.core.streams.ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
          end = h;
          return this;
        }
      };
      return finish(request.sendStream(stream));
    }

    private HttpResponse<Buffer> finish(io.vertx.core.Future<HttpResponse<Buffer>> sent) {
      String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      io.vertx.core.Future<HttpResponse<Buffer>> result = sent.compose(r -> checked
              ? contract.check(method, bare, r.statusCode(), r.headers(), r.body()).map(r)
              : io.vertx.core.Future.succeededFuture(r))
          ;
      return Bounded.await(result, CALL_TIMEOUT_SECONDS);
    }
  }
}
