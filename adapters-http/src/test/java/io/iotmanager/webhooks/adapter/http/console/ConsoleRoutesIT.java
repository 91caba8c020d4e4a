package io.iotmanager.webhooks.adapter.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.web.Failures;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the web console's files are served at /ui/ by the API router: from the classpath, with the
 * headers that keep it on its own origin, and complete (every file a page or module refers to exists).
 * The browser tests (bootstrap's ConsoleIT) drive the console itself.
 */
class ConsoleRoutesIT {
  private static final Pattern PAGE_REFERENCES = Pattern.compile("(?:src|href)=\"([^\"#]+)\"");
  private static final Pattern MODULE_IMPORTS = Pattern.compile("(?m)^import [^;]*? from '([^']+)';");
  private static final Pattern REMOTE = Pattern.compile(
      "(?:src|href)=\"(?:https?:)?//|from '(?:https?:)?//|fetch\\(\\s*['\"`](?:https?:)?//|url\\(\\s*['\"]?(?:https?:)?//");

  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new ConsoleRoutes().mount(router);
    router.errorHandler(404, ctx -> Failures.respond(ctx, 404, "not found"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse("");
  }

  @Test
  void theBarePathRedirectsToTheDirectorySoRelativeLinksResolve() throws Exception {
    HttpResponse<String> bare = get("/ui");
    assertEquals(302, bare.statusCode());
    assertEquals("/ui/", header(bare, "Location"));
    assertEquals("/ui/?lang=en", header(get("/ui?lang=en"), "Location"));
  }

  @Test
  void theIndexIsServedWithHeadersThatKeepTheConsoleOnItsOwnOrigin() throws Exception {
    HttpResponse<String> index = get("/ui/");
    assertEquals(200, index.statusCode());
    assertTrue(header(index, "Content-Type").startsWith("text/html"), header(index, "Content-Type"));
    assertTrue(index.body().contains("<script type=\"module\" src=\"js/main.js\"></script>"), index.body());
    assertEquals(ConsoleRoutes.CONTENT_SECURITY_POLICY, header(index, "Content-Security-Policy"));
    assertTrue(header(index, "Content-Security-Policy").startsWith("default-src 'none'; script-src 'self';"));
    assertEquals("nosniff", header(index, "X-Content-Type-Options"));
    assertEquals("DENY", header(index, "X-Frame-Options"));
    assertEquals("no-referrer", header(index, "Referrer-Policy"));
    assertEquals("no-cache", header(index, "Cache-Control"), "an upgraded jar must not run an old console");
    assertEquals(index.body(), get("/ui/index.html").body());
  }

  @Test
  void everyFileThePagesAndModulesReferToIsServedWithItsTypeAndNothingComesFromElsewhere() throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add("/ui/index.html");
    while (!todo.isEmpty()) {
      String path = todo.poll();
      if (!seen.add(path)) {
        continue;
      }
      HttpResponse<String> file = get(path);
      assertEquals(200, file.statusCode(), path);
      String type = header(file, "Content-Type");
      assertFalse(REMOTE.matcher(file.body()).find(), path + " refers to another site");
      Pattern references;
      if (path.endsWith(".html")) {
        assertTrue(type.startsWith("text/html"), path + ": " + type);
        references = PAGE_REFERENCES;
      } else if (path.endsWith(".js")) {
        assertTrue(type.contains("javascript"), path + ": " + type);
        references = MODULE_IMPORTS;
      } else if (path.endsWith(".css")) {
        assertTrue(type.startsWith("text/css"), path + ": " + type);
        continue;
      } else {
        continue;
      }
      Matcher m = references.matcher(file.body());
      while (m.find()) {
        todo.add(URI.create("http://x" + path).resolve(m.group(1)).getPath());
      }
    }
    assertTrue(seen.containsAll(Set.of("/ui/index.html", "/ui/console.css", "/ui/favicon.svg", "/ui/js/boot.js",
        "/ui/js/main.js", "/ui/js/api.js", "/ui/js/activity.js", "/ui/js/integrations.js")), seen.toString());
  }

  @Test
  void aMissingFileIsTheApisJson404AndNothingOutsideTheWebRootIsReachable() throws Exception {
    HttpResponse<String> missing = get("/ui/nothing-here.js");
    assertEquals(404, missing.statusCode());
    assertEquals("not found", new JsonObject(missing.body()).getString("error"));
    assertEquals(404, get("/ui/../logback.xml").statusCode());
    assertEquals(404, get("/ui/%2e%2e/%2e%2e/io/iotmanager/webhooks/adapter/http/server/ApiRouter.class").statusCode());
    assertEquals(404, get("/ui/js/").statusCode(), "no directory listing");
  }
}
