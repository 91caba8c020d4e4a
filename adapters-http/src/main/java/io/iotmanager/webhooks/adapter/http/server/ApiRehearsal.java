package io.iotmanager.webhooks.adapter.http.server;

import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Drives a rehearsal service the way its users will drive the real one, before the real one reports
 * ready: its route groups, served on a loopback port of this process, get an
 * integration for a tenant of their own pointing at a throwaway loopback receiver, then intake calls
 * (mostly single provisions, now and then a bulk status change, a decommission, a page of the events
 * log and a health check), and the rehearsal waits until the receiver got each accepted event. Every
 * step of an event runs: routes, intake's store write, the hand-off, the integration read, the signed
 * POST, the outcome write, the access-log line. Half the calls come on a connection of their own, as
 * from a client without keep-alive, so that accepting connections is rehearsed too. Everything runs on
 * one context of its own, so the counts need no sharing.
 */
final class ApiRehearsal {
  /** After the last call, how long at most to wait for the webhooks of the events still on their way. */
  private static final long DRAIN_MS = 2_000;
  private final Vertx vertx;
  private final List<Endpoint> endpoints;
  private final long requestSizeLimit;
  private final String tenant = "warm-up-" + UUID.randomUUID();
  private int received;
  private int accepted;
  private int sent;

  ApiRehearsal(Vertx vertx, List<Endpoint> endpoints, long requestSizeLimit) {
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.requestSizeLimit = requestSizeLimit;
  }

  Future<HttpApi.Rehearsed> run(int calls, int parallel, Duration budget) {
    Promise<HttpApi.Rehearsed> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> rehearse(calls, parallel, budget).onComplete(result));
    return result.future();
  }

  private Future<HttpApi.Rehearsed> rehearse(int calls, int parallel, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    HttpServer receiver = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> req.body().onComplete(ar -> {
          received++;
          req.response().setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
        }));
    HttpServerVerticle server = new HttpServerVerticle(new HttpSettings("127.0.0.1", 0, requestSizeLimit),
        endpoints, false);
    return receiver.listen().compose(listening -> vertx.deployVerticle(server)).compose(deployment -> {
      HttpClient pooled = client(server.actualPort(), true, parallel);
      HttpClient fresh = client(server.actualPort(), false, parallel);
      return createIntegration(pooled, receiver.actualPort())
          .compose(created -> calls(pooled, fresh, calls, parallel, deadline))
          .compose(done -> drained(deadline + DRAIN_MS * 1_000_000L))
          .map(done -> new HttpApi.Rehearsed(sent, accepted, received))
          .eventually(pooled::close)
          .eventually(fresh::close)
          .eventually(() -> vertx.undeploy(deployment));
    }).eventually(receiver::close);
  }

  private HttpClient client(int port, boolean keepAlive, int parallel) {
    return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(keepAlive), new PoolOptions().setHttp1MaxSize(parallel));
  }

  private Future<Void> createIntegration(HttpClient client, int receiverPort) {
    String body = "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":"
        + "\"http://127.0.0.1:" + receiverPort + "/warm-up\",\"secret\":\"" + "00".repeat(32) + "\"}},"
        + "\"description\":\"start-up warm-up\"}";
    return send(client, HttpMethod.POST, ApiPaths.MANAGEMENT + "/integrations", body).compose(status ->
        status == 201 ? Future.<Void>succeededFuture()
            : Future.failedFuture("creating the warm-up integration answered " + status));
  }

  private Future<Void> calls(HttpClient pooled, HttpClient fresh, int calls, int parallel, long deadline) {
    Promise<Void> done = Promise.promise();
    int[] running = {Math.max(1, Math.min(parallel, calls))};
    for (int i = 0, n = running[0]; i < n; i++) {
      loop(i % 2 == 0 ? pooled : fresh, calls, deadline, running, done);
    }
    return done.future();
  }

  private void loop(HttpClient client, int calls, long deadline, int[] running, Promise<Void> done) {
    if (sent >= calls || (sent > 0 && System.nanoTime() > deadline)) {
      if (--running[0] == 0) {
        done.tryComplete();
      }
      return;
    }
    int n = sent++;
    call(client, n).onComplete(ar -> loop(client, calls, deadline, running, done));
  }

  /** Mostly single provisions, the call a device's first event comes with; now and then the others. */
  private Future<Void> call(HttpClient client, int n) {
    String base = ApiPaths.INTERNAL + "/tenants/" + tenant;
    String device = "warm-up-" + n;
    return switch (n % 16) {
      case 3, 11 -> count(send(client, HttpMethod.PUT, base + "/bulk/devices/status/accepted",
          "[{\"id\":\"" + device + "-a\"},{\"id\":\"" + device + "-b\"}]"), 2);
      case 5 -> count(send(client, HttpMethod.DELETE, base + "/devices/" + device, null), 1);
      case 7 -> send(client, HttpMethod.GET, ApiPaths.INTERNAL + "/health", null).mapEmpty();
      case 13 -> send(client, HttpMethod.GET, ApiPaths.MANAGEMENT + "/events?per_page=20", null).mapEmpty();
      default -> count(send(client, HttpMethod.POST, base + "/devices", provision(device)), 1);
    };
  }

  private Future<Void> count(Future<Integer> status, int events) {
    return status.map(code -> {
      if (code == 202) {
        accepted += events;
      }
      return null;
    });
  }

  /** Completes once the receiver got a webhook for each accepted event, or at {@code deadline}. */
  private Future<Void> drained(long deadline) {
    if (received >= accepted) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(5, id -> {
      if (received >= accepted || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  private Future<Integer> send(HttpClient client, HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setTimeout(10_000);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    if (uri.startsWith(ApiPaths.MANAGEMENT)) {
      options.putHeader("Authorization", "Bearer " + token());
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  /** A user's token for the rehearsal's tenant; the rehearsal service only decodes tokens. */
  private String token() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(("{\"sub\":\"warm-up\",\"mender.user\":true,\"mender.tenant\":\"" + tenant + "\"}")
            .getBytes(StandardCharsets.UTF_8)) + ".warm-up";
  }

  private static String provision(String device) {
    return "{\"id\":\"" + device + "\",\"status\":\"pending\",\"auth_sets\":[{\"id\":\"" + UUID.randomUUID()
        + "\",\"device_id\":\"" + device + "\",\"identity_data\":{\"mac\":\"00:11:22:33:44:55\"},"
        + "\"pubkey\":\"-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzogVU7RGDilbsoUt"
        + "\\n-----END PUBLIC KEY-----\\n\",\"status\":\"pending\"}],\"created_ts\":\"2024-01-01T00:00:00Z\"}";
  }
}
