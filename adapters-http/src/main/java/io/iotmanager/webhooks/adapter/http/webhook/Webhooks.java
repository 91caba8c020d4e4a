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

  /**
   * A throwaway webhook receiver on a loopback port of this process, for the start-up warm-up: it reads
   * each request and answers 200 with a small JSON body, and records nothing. Close it when done.
   */
  public static Future<Loopback> loopbackReceiver(Vertx vertx) {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> req.body().onComplete(ar -> req.response().setStatusCode(200)
            .putHeader("Content-Type", "application/json").end("{\"ok\":true}")));
    return server.listen().map(Loopback::new);
  }

  /** A listening throwaway receiver ({@link #loopbackReceiver}). */
  public static final class Loopback {
    private final HttpServer server;

    private Loopback(HttpServer server) {
      this.server = server;
    }

    /** Where to send webhooks: {@code http://127.0.0.1:<port>/warm-up}. */
    public URI url() {
      return URI.create("http://127.0.0.1:" + server.actualPort() + "/warm-up");
    }

    public Future<Void> close() {
      return server.close();
    }
  }
}
