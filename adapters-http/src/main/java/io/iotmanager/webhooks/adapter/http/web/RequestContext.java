package io.iotmanager.webhooks.adapter.http.web;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Request id (docs/wire-contract.md A1) and the structured access-log line written when the response ends. */
public final class RequestContext {
  public static final String REQUEST_ID_HEADER = "X-MEN-RequestID";
  public static final String RESPONSE_ID_HEADER = "X-Men-Requestid";
  private static final String KEY = "request_id";
  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  /** A percent sign not followed by two hex digits. */
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private RequestContext() {}

  public static void begin(RoutingContext ctx) {
    String given = ctx.request().getHeader(REQUEST_ID_HEADER);
    String id = given == null || given.isBlank() ? UUID.randomUUID().toString() : given;
    ctx.put(KEY, id);
    ctx.response().putHeader(RESPONSE_ID_HEADER, id);
    long start = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      if (ACCESS.isInfoEnabled()) {
        ACCESS.info("request_id={} method={} path=\"{}\" status={} duration_ms={} remote={}",
            id, ctx.request().method(), sanitize(ctx.request().path()), ctx.response().getStatusCode(),
            (System.nanoTime() - start) / 1_000_000L,
            ctx.request().remoteAddress() == null ? "-" : ctx.request().remoteAddress().hostAddress());
      }
    });
    String path = ctx.request().path();
    if (path != null && BAD_ESCAPE.matcher(path).find()) {
      // the router would fail decoding it, and that failure is no fault of ours: a 400, not a 500
      Failures.respond(ctx, 400, "malformed request path");
      return;
    }
    ctx.next();
  }

  /**
   * The request id, assigned now (the given one or a new UUID, echoed in the response header) when the
   * request failed before {@link #begin} ran, as a request the router cannot route does.
   */
  public static String ensureRequestId(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id != null) {
      return id;
    }
    String given = ctx.request().getHeader(REQUEST_ID_HEADER);
    String assigned = given == null || given.isBlank() ? UUID.randomUUID().toString() : given;
    ctx.put(KEY, assigned);
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader(RESPONSE_ID_HEADER, assigned);
    }
    return assigned;
  }

  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "" : id;
  }

  private static String sanitize(String path) {
    return path == null ? "" : path.replace('"', '\'').replace('\n', ' ').replace('\r', ' ');
  }
}
