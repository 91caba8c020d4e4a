package io.iotmanager.webhooks.adapter.http.webhook;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;

/** The outbound webhook client's one entry point: the address resolver and the sender that uses it. */
public final class Webhooks {
  private Webhooks() {}

  /** The JDK resolver on a worker pool of its own; share one between the sender and the save-time check. */
  public static AddressResolver resolver(Vertx vertx) {
    return new BlockingAddressResolver(vertx);
  }

  /**
   * The webhook sender: pooled keep-alive connections, at most {@code maxPerHost} per destination, no
   * redirects; when a request asks for the address check, it dials exactly the address it resolved
   * with {@code resolver} and checked.
   */
  public static WebhookSender sender(Vertx vertx, AddressResolver resolver, int maxPerHost) {
    return new VertxWebhookSender(vertx, resolver, maxPerHost);
  }
}
