package iotbench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal webhook receiver: answers 200 to every POST once its body is in, and records each request:
 * the event id ({@code webhook-id}, else the body's {@code id}), the device id of the body's
 * {@code data.id} with its first arrival time ({@link System#nanoTime()}), and how many requests carried
 * an event id seen before (duplicates). The same code serves wrk (ceiling a) and the service (end to end).
 */
final class Receiver {
  /** POSTs here are read, parsed and answered 200 like the others, but not recorded (the load generator's warm-up). */
  static final String WARMUP_PATH = "/warmup";
  final AtomicLong requests = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong unreadable = new AtomicLong();
  final Set<String> eventIds = ConcurrentHashMap.newKeySet();
  final ConcurrentHashMap<String, Long> firstArrivalByDevice = new ConcurrentHashMap<>();
  /** nanoTime of the latest arrival of a not yet seen event. */
  final AtomicLong lastNewArrival = new AtomicLong();

  /** Deploys {@code instances} server verticles sharing {@code port}; completes once all listen. */
  Future<Integer> start(Vertx vertx, String host, int port, int instances) {
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(60))
                .requestHandler(Receiver.this::handle)
                .listen(port, host);
          }
        }, new DeploymentOptions().setInstances(instances))
        .map(id -> port);
  }

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void handle(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      long now = System.nanoTime();
      if (WARMUP_PATH.equals(req.path())) {
        if (ar.succeeded()) {
          new JsonObject(ar.result()).getJsonObject("data");
        }
        req.response().setStatusCode(200).end();
        return;
      }
      requests.incrementAndGet();
      if (ar.succeeded()) {
        record(req.getHeader("webhook-id"), ar.result(), now);
      }
      req.response().setStatusCode(200).end();
    });
  }

  private void record(String webhookId, Buffer body, long now) {
    String eventId = webhookId;
    String deviceId = null;
    try {
      JsonObject json = new JsonObject(body);
      if (eventId == null) {
        eventId = json.getString("id");
      }
      JsonObject data = json.getJsonObject("data");
      deviceId = data == null ? null : data.getString("id");
    } catch (RuntimeException e) {
      unreadable.incrementAndGet();
    }
    if (eventId == null) {
      unreadable.incrementAndGet();
      return;
    }
    if (eventIds.add(eventId)) {
      lastNewArrival.accumulateAndGet(now, Math::max);
      if (deviceId != null) {
        firstArrivalByDevice.putIfAbsent(deviceId, now);
      }
    } else {
      duplicates.incrementAndGet();
    }
  }

  /** Distinct events whose device id starts with {@code prefix}. */
  long devicesWithPrefix(String prefix) {
    return firstArrivalByDevice.keySet().stream().filter(d -> d.startsWith(prefix)).count();
  }
}
