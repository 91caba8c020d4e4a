package io.iotmanager.webhooks.adapter.http.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local webhook receiver on a real socket: records every request (arrival time, path, headers, body)
 * and answers with what {@link #respond} says: a status, optional headers, or {@link Answer#hanging()} (never answers).
 */
public final class Receiver implements AutoCloseable {
  /** One request as the receiver saw it. Header names are lower-cased. */
  public record Received(Instant at, String path, Map<String, String> headers, String body) {}

  /** The answer to give: a status code, extra headers, or hang (no answer at all). */
  public record Answer(int status, Map<String, String> headers, boolean hangs) {
    public static Answer status(int code) {
      return new Answer(code, Map.of(), false);
    }

    public static Answer hanging() {
      return new Answer(0, Map.of(), true);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final String host;
  public final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Answer> respond = r -> Answer.status(200);
  /** Requests left hanging whose connection is still open. */
  private final Set<HttpServerResponse> hanging = ConcurrentHashMap.newKeySet();
  private final AtomicInteger maxHanging = new AtomicInteger();

  private Receiver(Vertx vertx, HttpServer server, String host) {
    this.vertx = vertx;
    this.server = server;
    this.host = host;
  }

  public static Receiver start() throws Exception {
    return start("127.0.0.1");
  }

  /** A receiver listening on {@code host} (e.g. {@code localhost}), whose {@link #url} names that host. */
  public static Receiver start(String host) throws Exception {
    Vertx vertx = Vertx.vertx();
    Receiver[] self = new Receiver[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].handle(req));
    self[0] = new Receiver(vertx, server, host);
    server.listen(0, host).await(10, TimeUnit.SECONDS);
    return self[0];
  }

  /** Sets how to answer from now on. */
  public Receiver respond(Function<Received, Answer> answer) {
    this.respond = answer;
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return "http://" + host + ":" + port() + path;
  }

  /** How many requests are hanging now (no answer yet, connection still open). */
  public int hangingNow() {
    return hanging.size();
  }

  /** The most requests that were hanging at the same time. */
  public int maxHanging() {
    return maxHanging.get();
  }

  /** Answers every request hanging now with {@code status}. */
  public void releaseHanging(int status) {
    for (HttpServerResponse response : List.copyOf(hanging)) {
      if (hanging.remove(response)) {
        vertx.runOnContext(v -> {
          if (!response.ended() && !response.closed()) {
            response.setStatusCode(status).end();
          }
        });
      }
    }
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  private void handle(HttpServerRequest req) {
    Instant at = Instant.now();
    req.body().compose(this::afterDelay).onSuccess(body -> {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      Received r = new Received(at, req.path(), headers, body.toString(StandardCharsets.UTF_8));
      received.add(r);
      Answer answer = respond.apply(r);
      if (answer.hangs()) {
        HttpServerResponse response = req.response();
        hanging.add(response);
        maxHanging.accumulateAndGet(hanging.size(), Math::max);
        response.closeHandler(v -> hanging.remove(response));
        return;
      }
      answer.headers().forEach((k, v) -> req.response().putHeader(k, v));
      req.response().setStatusCode(answer.status()).end();
    });
  }

  private volatile long delayMillis;

  /**
   * Handles (records and answers) every request this long after it arrived, like a slow receiver; the
   * recorded arrival time stays the real one. Zero (the default) handles at once.
   */
  public Receiver delay(java.time.Duration delay) {
    this.delayMillis = delay.toMillis();
    return this;
  }

  private io.vertx.core.Future<io.vertx.core.buffer.Buffer> afterDelay(io.vertx.core.buffer.Buffer body) {
    long delay = delayMillis;
    if (delay <= 0) {
      return io.vertx.core.Future.succeededFuture(body);
    }
    io.vertx.core.Promise<io.vertx.core.buffer.Buffer> later = io.vertx.core.Promise.promise();
    vertx.setTimer(delay, id -> later.complete(body));
    return later.future();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
