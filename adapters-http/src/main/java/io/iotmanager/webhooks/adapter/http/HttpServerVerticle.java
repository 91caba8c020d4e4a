package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the HTTP server and serves the router of both APIs. */
final class HttpServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServerVerticle.class);

  private final HttpSettings settings;
  private final HttpUseCases useCases;
  private final DeliveryMetrics metrics;
  private HttpServer server;

  HttpServerVerticle(HttpSettings settings, HttpUseCases useCases, DeliveryMetrics metrics) {
    this.settings = settings;
    this.useCases = useCases;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    ApiRouter api = new ApiRouter(vertx, settings, useCases, metrics);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setCompressionSupported(false)
        .setIdleTimeout(120));
    return server.requestHandler(api.router()).listen().onSuccess(s ->
        LOG.info("http server listening on {}:{}", settings.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
