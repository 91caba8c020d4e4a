package io.iotmanager.webhooks.adapter.http.web;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place failures become HTTP answers: {@code {error, request_id}} with the right status. */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  public static final String JSON = "application/json; charset=utf-8";

  private Failures() {}

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof DomainValidationException) {
      respond(ctx, 400, failure.getMessage());
    } else if (failure instanceof HttpProblem problem) {
      if (problem.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ManagementJWT\"");
      }
      respond(ctx, problem.status(), problem.getMessage());
    } else if (failure instanceof ApplicationException.NotFound) {
      respond(ctx, 404, failure.getMessage());
    } else if (failure instanceof ApplicationException.Conflict) {
      respond(ctx, 409, failure.getMessage());
    } else if (failure instanceof ApplicationException.Overloaded overloaded) {
      // counted in webhook_intake_rejected_events_total; a log line per call would add to the overload
      LOG.debug("request_id={} {}", RequestContext.requestId(ctx), failure.getMessage());
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, overloaded.retryAfter().toSeconds())));
      respond(ctx, 503, failure.getMessage());
    } else if (failure instanceof ApplicationException.StoreUnavailable) {
      LOG.warn("request_id={} store unavailable: {}", RequestContext.requestId(ctx),
          failure.getCause() == null ? failure.getMessage() : failure.getCause().toString());
      respond(ctx, 503, failure.getMessage());
    } else if (failure instanceof HttpException http) {
      respond(ctx, http.getStatusCode(), messageFor(http.getStatusCode()));
    } else if (failure == null && status >= 400) {
      respond(ctx, status, messageFor(status));
    } else {
      LOG.error("request_id={} internal error", RequestContext.requestId(ctx), failure);
      respond(ctx, 500, "internal error");
    }
  }

  public static void respond(RoutingContext ctx, int status, String message) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    String body = new JsonObject().put("error", message).put("request_id", RequestContext.ensureRequestId(ctx))
        .encode();
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body);
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      case 414 -> "request URI too long";
      case 431 -> "request header fields too large";
      case 415 -> "unsupported media type";
      case 503 -> "service unavailable";
      default -> status >= 500 ? "internal error" : "request failed";
    };
  }
}
