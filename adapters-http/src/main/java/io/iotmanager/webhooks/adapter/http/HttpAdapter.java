package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

/** The HTTP adapter's one entry point: the verticle that serves the management and internal APIs. */
public final class HttpAdapter {
  private HttpAdapter() {}

  /** A verticle serving both APIs; deploy it once (it binds one port). */
  public static VerticleBase serverVerticle(HttpSettings settings, HttpUseCases useCases) {
    return new HttpServerVerticle(settings, useCases);
  }

  /** The webhook sender: pooled keep-alive connections, at most {@code maxPerHost} per destination. */
  public static WebhookSender webhookSender(Vertx vertx, int maxPerHost) {
    return new VertxWebhookSender(vertx, maxPerHost);
  }
}
