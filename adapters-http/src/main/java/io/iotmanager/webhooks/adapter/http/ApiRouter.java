package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Both APIs on one router, with the shared behaviour of API.md A1: request ids, JSON errors, 404/405,
 * the body size limit and one access-log line per request; and the web console's static files at /ui/.
 */
final class ApiRouter {
  static final String MANAGEMENT = "/api/management/v1/iot-manager";
  static final String INTERNAL = "/api/internal/v1/iot-manager";

  private final Router router;

  ApiRouter(Vertx vertx, HttpSettings settings, HttpUseCases useCases, DeliveryMetrics metrics) {
    router = Router.router(vertx);
    router.allowForward(io.vertx.ext.web.AllowForwardHeaders.NONE);
    router.route().order(-1000).handler(RequestContext::begin);
    router.route().handler(new BodyLimitHandler(settings.requestSizeLimit()));
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.requestSizeLimit()));

    Identities identities = new Identities(JwtVerifier.from(settings.jwtVerifyKey()));
    ManagementRoutes management = new ManagementRoutes(useCases, identities);
    InternalRoutes internal = new InternalRoutes(useCases, metrics);

    management.mount(router, MANAGEMENT);
    internal.mount(router, INTERNAL);
    if (metrics instanceof MicrometerMetrics prometheus) {
      router.get("/metrics").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(prometheus.scrape()));
      router.get(INTERNAL + "/metrics").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(prometheus.scrape()));
    }
    ConsoleRoutes.mount(router);

    router.route().failureHandler(Failures::handle);
    router.errorHandler(404, ctx -> Failures.respond(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> Failures.respond(ctx, 405, "method not allowed"));
    router.errorHandler(413, ctx -> Failures.respond(ctx, 413, "request body too large"));
    router.errorHandler(500, Failures::handle);
  }

  Router router() {
    return router;
  }

  static boolean hasBody(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
  }
}
