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
   * Rehearses the whole way of an event before the service reports ready, against a rehearsal service
   * made of {@code endpoints} (wired like the real service, on a store of its own): serves them on a
   * throwaway loopback port of this process (no access log), creates an integration for a tenant of its
   * own pointing at a throwaway loopback receiver, sends up to {@code calls} intake calls
   * ({@code parallel} at a time, within {@code budget}) and waits (at most 2 s more) until the receiver
   * got a webhook for each accepted event. Completes once the throwaway server and receiver are closed.
   */
  public static Future<Rehearsed> rehearse(Vertx vertx, List<Endpoint> endpoints, long requestSizeLimit,
      int calls, int parallel, Duration budget) {
    return new ApiRehearsal(vertx, List.copyOf(endpoints), requestSizeLimit).run(calls, parallel, budget);
  }

  /**
   * What a rehearsal did.
   *
   * @param calls API calls sent
   * @param events events accepted (202)
   * @param webhooks webhooks the receiver got
   */
  public record Rehearsed(int calls, int events, int webhooks) {}
}
