package io.iotmanager.webhooks.adapter.http.web;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Small helpers shared by the route classes. */
public final class Replies {
  private Replies() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", Failures.JSON).end(Json.write(body));
  }

  public static void empty(RoutingContext ctx, int status) {
    ctx.response().setStatusCode(status).end();
  }

  /** Sends what {@code onSuccess} writes, or routes the failure to the failure handler. */
  public static <T> void when(RoutingContext ctx, Future<T> future, java.util.function.Consumer<T> onSuccess) {
    future.onComplete(ar -> {
      if (ar.succeeded()) {
        onSuccess.accept(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  public static UUID uuid(String text, String message) {
    try {
      if (text == null || text.length() != 36) {
        throw new IllegalArgumentException(message);
      }
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new DomainValidationException(message);
    }
  }
}
