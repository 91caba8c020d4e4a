package io.iotmanager.webhooks.adapter.http.server;

import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.VerticleBase;
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
}
