package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.function.IntSupplier;

/** The HTTP adapter's one entry point: the verticle that serves the management and internal APIs. */
public final class HttpAdapter {
  private HttpAdapter() {}

  /** A verticle serving both APIs; deploy it once (it binds one port). */
  public static VerticleBase serverVerticle(HttpSettings settings, HttpUseCases useCases, DeliveryMetrics metrics) {
    return new HttpServerVerticle(settings, useCases, metrics);
  }

  /** The metrics served at {@code GET /metrics}: delivery and intake, and what the store is asked to do. */
  public interface Metrics extends DeliveryMetrics, StoreMetrics {}

  /**
   * The metrics sink served at {@code GET /metrics} in Prometheus text format; {@code backlog} is read
   * at each scrape.
   */
  public static Metrics metrics(IntSupplier backlog) {
    MicrometerMetrics metrics = new MicrometerMetrics();
    metrics.backlog(backlog);
    return metrics;
  }

  /** The webhook sender: pooled keep-alive connections, at most {@code maxPerHost} per destination. */
  public static WebhookSender webhookSender(Vertx vertx, int maxPerHost) {
    return new VertxWebhookSender(vertx, maxPerHost);
  }
}
