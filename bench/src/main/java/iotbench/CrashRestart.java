package iotbench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Crash and restart: the service holds {@code events} accepted, undelivered events (its receiver takes the
 * POSTs and never answers, so some attempts are in flight and the rest wait behind the per-host limit), is
 * killed with SIGKILL, and is started again on the same data (the same data directory, or the same MongoDB
 * database) while the receiver now answers 200 at once. Reports the restart's time to ready, the time from
 * ready until every event has arrived, lost events, and duplicates split into those of attempts in flight at
 * the kill (expected: their answer was lost) and any others (there should be none).
 *
 * <pre>
 *   crash --jar JAR (--data-dir DIR | --mongo-url URL --db NAME) [--events 1000] [--timeout-seconds 120]
 *         [--log-dir DIR] [--java-opts "..."]
 * </pre>
 */
final class CrashRestart {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  /** Event ids that arrived while the receiver held every request (in flight at the kill). */
  private final Set<String> heldIds = ConcurrentHashMap.newKeySet();
  /** Arrivals per event id after the receiver started answering. */
  private final Map<String, Integer> answered = new ConcurrentHashMap<>();
  private final java.util.Queue<HttpServerRequest> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile boolean holding = true;
  private volatile long lastNewArrival;

  static void run(Args args) throws Exception {
    CrashRestart bench = new CrashRestart();
    try {
      bench.execute(args);
    } finally {
      bench.vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void execute(Args args) throws Exception {
    int events = args.integer("events", 1_000);
    int timeoutSeconds = args.integer("timeout-seconds", 120);
    String jar = args.required("jar");
    String logDir = args.get("log-dir", System.getProperty("java.io.tmpdir"));
    int receiverPort = Receiver.freePort();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(300))
        .requestHandler(this::handle);
    server.listen(receiverPort, "127.0.0.1").await(30, TimeUnit.SECONDS);

    int servicePort = Receiver.freePort();
    Process first = start(args, jar, servicePort, new File(logDir, "crash-first.log"));
    try {
      awaitReady(servicePort, first, 120);
      createIntegration(servicePort, "http://127.0.0.1:" + receiverPort + "/hook");
      for (int from = 0; from < events; from += 100) {
        bulk(servicePort, from, Math.min(events, from + 100));
      }
      Bench.log("crash: " + events + " events accepted; waiting for attempts in flight");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (heldIds.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(500); // let the engine fill its per-host limit
    } finally {
      first.destroyForcibly(); // SIGKILL
      first.waitFor(30, TimeUnit.SECONDS);
    }
    int inFlight = heldIds.size();
    Bench.log("crash: killed with " + inFlight + " attempts in flight; restarting");
    holding = false;
    held.clear(); // their connections died with the process

    long startNanos = System.nanoTime();
    Process second = start(args, jar, servicePort, new File(logDir, "crash-restart.log"));
    try {
      awaitReady(servicePort, second, 120);
      long readyNanos = System.nanoTime();
      long deadline = readyNanos + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (distinctDelivered() < events && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long allNanos = lastNewArrival;
      Thread.sleep(2_000); // late duplicates
      long delivered = distinctDelivered();
      long duplicates = 0;
      long duplicatesNotInFlight = 0;
      for (Map.Entry<String, Integer> e : answered.entrySet()) {
        int extra = e.getValue() - 1 + (heldIds.contains(e.getKey()) ? 1 : 0);
        duplicates += extra;
        if (extra > 0 && !heldIds.contains(e.getKey())) {
          duplicatesNotInFlight += extra;
        }
      }
      Bench.result("crash_events", events);
      Bench.result("crash_in_flight_at_kill", inFlight);
      Bench.result("crash_restart_ready_s", (readyNanos - startNanos) / 1e9);
      Bench.result("crash_all_delivered_after_ready_s",
          delivered >= events ? Math.max(0, allNanos - readyNanos) / 1e9 : Double.NaN);
      Bench.result("crash_lost", events - delivered);
      Bench.result("crash_duplicates", duplicates);
      Bench.result("crash_duplicates_not_in_flight", duplicatesNotInFlight);
    } finally {
      second.destroy(); // SIGTERM: drains and exits
      if (!second.waitFor(60, TimeUnit.SECONDS)) {
        second.destroyForcibly();
      }
    }
  }

  private long distinctDelivered() {
    return answered.size();
  }

  private void handle(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      String id = req.getHeader("webhook-id");
      if (id == null && ar.succeeded()) {
        try {
          id = new JsonObject(ar.result()).getString("id");
        } catch (RuntimeException e) {
          id = null;
        }
      }
      if (holding) {
        if (id != null) {
          heldIds.add(id);
        }
        held.add(req); // never answered: the attempt stays in flight until the kill
        return;
      }
      if (id != null && answered.merge(id, 1, Integer::sum) == 1) {
        lastNewArrival = System.nanoTime();
      }
      req.response().setStatusCode(200).end();
    });
  }

  private Process start(Args args, String jar, int port, File log) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    String javaOpts = args.get("java-opts", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    Map<String, String> env = builder.environment();
    env.put("IOT_MANAGER_LISTEN", "127.0.0.1:" + port);
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    String mongoUrl = args.get("mongo-url", "");
    if (mongoUrl.isEmpty()) {
      env.put("IOT_MANAGER_MONGO_URL", "");
      env.put("IOT_MANAGER_DATA_DIR", args.required("data-dir"));
    } else {
      env.put("IOT_MANAGER_MONGO_URL", mongoUrl);
      env.put("IOT_MANAGER_MONGO_DBNAME", args.required("db"));
    }
    return builder.start();
  }

  private void awaitReady(int port, Process process, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited with " + process.exitValue());
      }
      try {
        if (send(port, "GET", EndToEnd.INTERNAL + "/health", null, null) == 204) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the service was not ready within " + seconds + " s");
  }

  private void createIntegration(int port, String url) throws Exception {
    String body = "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + url
        + "\",\"secret\":\"deadbeef\"}},\"description\":\"benchmark receiver\"}";
    int code = send(port, "POST", EndToEnd.MANAGEMENT + "/integrations", body, EndToEnd.userToken());
    if (code != 201) {
      throw new IllegalStateException("creating the integration answered " + code);
    }
  }

  private void bulk(int port, int from, int to) throws Exception {
    StringBuilder body = new StringBuilder(2_000).append('[');
    for (int i = from; i < to; i++) {
      body.append(i == from ? "" : ",").append("{\"id\":\"c-").append(i).append("\"}");
    }
    body.append(']');
    int code = send(port, "PUT", EndToEnd.INTERNAL + "/tenants/" + EndToEnd.TENANT
        + "/bulk/devices/status/accepted", body.toString(), null);
    if (code != 202) {
      throw new IllegalStateException("bulk intake answered " + code);
    }
  }

  private int send(int port, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
