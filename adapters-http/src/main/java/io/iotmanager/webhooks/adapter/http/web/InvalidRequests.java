package io.iotmanager.webhooks.adapter.http.web;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the HTTP decoder rejects before any route sees them (a request line over the limit: 414;
 * headers over the limit: 431; anything unparsable: 400) get the same JSON error body, request id and
 * access-log line as every other error, then the connection is closed (the rest of the stream cannot
 * be trusted). Vert.x's default answer has an empty body.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  /** A request id given by the client is echoed only when it is short and plain. */
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request URI too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request header fields too large";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    String given = request.getHeader(RequestContext.REQUEST_ID_HEADER);
    String id = given != null && PLAIN_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    String body = new JsonObject().put("error", message).put("request_id", id).encode();
    request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", Failures.JSON)
        .putHeader(RequestContext.RESPONSE_ID_HEADER, id)
        .putHeader("Connection", "close")
        .end(body)
        .onComplete(ar -> request.connection().close());
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info("request_id={} method={} path=\"-\" status={} duration_ms=0 remote={}", id,
          request.method() == null ? "-" : request.method(), status,
          request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress());
    }
  }
}
