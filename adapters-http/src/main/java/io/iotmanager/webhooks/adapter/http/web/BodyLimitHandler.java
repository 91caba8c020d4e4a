package io.iotmanager.webhooks.adapter.http.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Rejects a request whose declared length is over the limit with 413 before any of its body is read;
 * bodies without a declared length are cut off by the body handler at the same limit.
 */
public final class BodyLimitHandler implements Handler<RoutingContext> {
  private final long limit;

  public BodyLimitHandler(long limit) {
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String declared = ctx.request().getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          ctx.response().putHeader("Connection", "close");
          Failures.respond(ctx, 413, "request body too large");
          return;
        }
      } catch (NumberFormatException e) {
        Failures.respond(ctx, 400, "invalid Content-Length");
        return;
      }
    }
    ctx.next();
  }
}
