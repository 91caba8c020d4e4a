package io.iotmanager.webhooks.adapter.http.server;

import io.iotmanager.webhooks.adapter.http.web.BodyLimitHandler;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.web.Failures;
import io.iotmanager.webhooks.adapter.http.web.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * Every route group on one router, with the shared behaviour of the API (docs/api-management.md):
 * request ids, JSON errors, 404/405, the body size limit and one access-log line per request.
 */
final class ApiRouter {
  private final Router router;

  ApiRouter(Vertx vertx, HttpSettings settings, List<Endpoint> endpoints) {
    router = Router.router(vertx);
    router.allowForward(AllowForwardHeaders.NONE);
    router.route().order(-1000).handler(RequestContext::begin);
    router.route().handler(new BodyLimitHandler(settings.requestSizeLimit()));
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.requestSizeLimit()));

    endpoints.forEach(endpoint -> endpoint.mount(router));

    router.route().failureHandler(Failures::handle);
    // a failure no route handler saw (a path the router cannot route, such as "*") ends here: JSON too
    for (int status = 400; status < 600; status++) {
      router.errorHandler(status, Failures::handle);
    }
    router.errorHandler(404, ctx -> Failures.respond(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> Failures.respond(ctx, 405, "method not allowed"));
    router.errorHandler(413, ctx -> Failures.respond(ctx, 413, "request body too large"));
    router.errorHandler(500, Failures::handle);
  }

  Router router() {
    return router;
  }
}
