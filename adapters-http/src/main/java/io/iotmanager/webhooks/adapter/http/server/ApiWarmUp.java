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
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs the inbound half of intake before the service reports ready: the same route groups, served by a
 * throwaway server on a loopback port of this process (no access-log lines), take intake calls for a
 * tenant that does not exist: they are parsed, validated and answered as usual, and store nothing,
 * since a tenant without integrations costs no write (its integrations are read, and there are none).
 */
final class ApiWarmUp {
  private final Vertx vertx;
  private final HttpSettings settings;
  private final List<Endpoint> endpoints;
  private final String tenant = "warm-up-" + UUID.randomUUID();

  ApiWarmUp(Vertx vertx, HttpSettings settings, List<Endpoint> endpoints) {
    this.vertx = vertx;
    this.settings = settings;
    this.endpoints = endpoints;
  }

  Future<Integer> run(int calls, int parallel, Duration budget) {
    HttpServerVerticle server = new HttpServerVerticle(new HttpSettings("127.0.0.1", 0, settings.requestSizeLimit()),
        endpoints, false);
    long deadline = System.nanoTime() + budget.toNanos();
    return vertx.deployVerticle(server).compose(deployment -> {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.actualPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(parallel));
      int[] sent = {0};
      int[] running = {Math.max(1, Math.min(parallel, calls))};
      Promise<Integer> done = Promise.promise();
      for (int i = 0, n = running[0]; i < n; i++) {
        loop(client, calls, deadline, sent, running, done);
      }
      return done.future().eventually(client::close).eventually(() -> vertx.undeploy(deployment));
    });
  }

  private void loop(HttpClient client, int calls, long deadline, int[] sent, int[] running, Promise<Integer> done) {
    if (sent[0] >= calls || (sent[0] > 0 && System.nanoTime() > deadline)) {
      if (--running[0] == 0) {
        done.tryComplete(sent[0]);
      }
      return;
    }
    int n = sent[0]++;
    call(client, n).onComplete(ar -> loop(client, calls, deadline, sent, running, done));
  }

  /** Mostly single provisions, the call a device's first event comes with; now and then the others. */
  private Future<Void> call(HttpClient client, int n) {
    String base = ApiPaths.INTERNAL + "/tenants/" + tenant;
    String device = "warm-up-" + n;
    return switch (n % 8) {
      case 3 -> send(client, HttpMethod.PUT, base + "/bulk/devices/status/accepted",
          "[{\"id\":\"" + device + "-a\"},{\"id\":\"" + device + "-b\"}]");
      case 5 -> send(client, HttpMethod.DELETE, base + "/devices/" + device, null);
      case 7 -> send(client, HttpMethod.GET, ApiPaths.INTERNAL + (n % 16 == 7 ? "/alive" : "/health"), null);
      default -> send(client, HttpMethod.POST, base + "/devices", provision(device));
    };
  }

  private static Future<Void> send(HttpClient client, HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setTimeout(10_000);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body())
        .mapEmpty();
  }

  private static String provision(String device) {
    return "{\"id\":\"" + device + "\",\"status\":\"pending\",\"auth_sets\":[{\"id\":\"" + UUID.randomUUID()
        + "\",\"device_id\":\"" + device + "\",\"identity_data\":{\"mac\":\"00:11:22:33:44:55\"},"
        + "\"pubkey\":\"-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzogVU7RGDilbsoUt"
        + "\\n-----END PUBLIC KEY-----\\n\",\"status\":\"pending\"}],\"created_ts\":\"2024-01-01T00:00:00Z\"}";
  }
}
