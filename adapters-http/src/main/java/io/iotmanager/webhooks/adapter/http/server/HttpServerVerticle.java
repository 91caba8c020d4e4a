package io.iotmanager.webhooks.adapter.http.server;

import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.web.InvalidRequests;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the HTTP server and serves the router of both APIs; requests the decoder rejects (414, 431,
 * 400) are answered by {@link InvalidRequests} with the same JSON error as the router's.
 */
final class HttpServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServerVerticle.class);

  private final HttpSettings settings;
  private final List<Endpoint> endpoints;
  private final boolean announce;
  private HttpServer server;

  HttpServerVerticle(HttpSettings settings, List<Endpoint> endpoints) {
    this(settings, endpoints, true);
  }

  /** With {@code announce} false, no "listening" line (the start-up rehearsal's server). */
  HttpServerVerticle(HttpSettings settings, List<Endpoint> endpoints, boolean announce) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.announce = announce;
  }

  /** The port bound, once started. */
  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    ApiRouter api = new ApiRouter(vertx, settings, endpoints);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setCompressionSupported(false)
        .setIdleTimeout(120));
    return server.requestHandler(api.router()).invalidRequestHandler(new InvalidRequests()).listen().onSuccess(s -> {
      if (announce) {
        LOG.info("http server listening on {}:{}", settings.host(), s.actualPort());
      }
    });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
