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
        new IntegrationRoutes(identities, fake, fake, fake, fake, fake),
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
