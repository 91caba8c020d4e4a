package io.iotmanager.webhooks.adapter.http.server;

import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/** The HTTP server's one entry point: the verticle that serves the given route groups on one port. */
public final class HttpApi {
  private HttpApi() {}

  /**
   * A verticle serving {@code endpoints} behind the shared behaviour of the API (request ids, the body
   * size limit, JSON errors for 404, 405, 413 and failures, one access-log line per request). Deploy it
   * once: it binds one port.
   */
  public static VerticleBase serverVerticle(HttpSettings settings, List<Endpoint> endpoints) {
    return new HttpServerVerticle(settings, List.copyOf(endpoints));
  }

  /**
   * Warms the inbound path before the service reports ready: serves {@code endpoints} on a throwaway
   * loopback port of this process (no access log) and sends it up to {@code calls} intake calls
   * ({@code parallel} at a time, within {@code budget}) for a tenant that does not exist, which store
   * nothing (a tenant without integrations costs no write), and a few health checks. Completes with
   * the number of calls sent, once the throwaway server is closed.
   */
  public static Future<Integer> warmUp(Vertx vertx, HttpSettings settings, List<Endpoint> endpoints, int calls,
      int parallel, Duration budget) {
    return new ApiWarmUp(vertx, settings, List.copyOf(endpoints)).run(calls, parallel, budget);
  }
}
