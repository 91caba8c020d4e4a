package io.iotmanager.webhooks.adapter.http.console;

import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static files packaged in the jar under {@code webroot/ui}, served at {@code /ui/}.
 * Plain HTML, CSS and ES modules that call the management API from the same origin; nothing is fetched
 * from elsewhere, which the Content-Security-Policy below also enforces in the browser.
 */
public final class ConsoleRoutes implements Endpoint {
  static final String PATH = "/ui";
  static final String WEB_ROOT = "webroot/ui";
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  public ConsoleRoutes() {}

  @Override
  public void mount(Router router) {
    // An exact route also matches the path with a trailing slash: only the bare "/ui" is redirected.
    router.get(PATH).handler(ctx -> {
      if (PATH.equals(ctx.request().path())) {
        String query = ctx.request().query();
        ctx.redirect(PATH + "/" + (query == null ? "" : "?" + query));
      } else {
        ctx.next();
      }
    });
    router.route(PATH + "/*").handler(ConsoleRoutes::securityHeaders);
    router.route(PATH + "/*").handler(StaticHandler.create(WEB_ROOT)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        // Small files; always revalidated so that an upgraded jar never runs an old console.
        .setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response().headers()
        .set(HttpHeaders.CACHE_CONTROL, "no-cache")
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
