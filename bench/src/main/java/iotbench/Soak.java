package iotbench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The overload soak against a running service (started by {@code bench/run.sh --soak} with a 2 s webhook
 * timeout and the retry schedule {@code 1s,2s,4s,8s}): bulk intake calls of 100 events, open loop at
 * {@code rate} events/s for {@code seconds}, into a receiver that fails {@code fail-share} of the attempts
 * (half with an immediate 500, half answered only after {@code slow-ms}, past the timeout). Reports per
 * minute of the feed the accepted events/s, the bulk calls' p50/p99 latency and the 503s; then, once
 * {@code settle-seconds} after the feed stopped, how many accepted events are not finished (neither
 * delivered nor failed after their schedule) by the events API, how many events are stored that no 202
 * acknowledged, the duplicates (events POSTed again after the receiver had answered an earlier POST 200
 * at once), and POSTs the attempt log does not show.
 */
final class Soak {
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, SoakTally.EventSeen> seen = new ConcurrentHashMap<>();
  private final AtomicLong posts = new AtomicLong();
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private Soak(String base) {
    this.base = base;
  }

  static void run(Args args) throws Exception {
    Soak soak = new Soak(args.required("service"));
    try {
      soak.execute(args);
    } finally {
      soak.vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void execute(Args args) throws Exception {
    int seconds = args.integer("seconds", 180);
    int rate = args.integer("rate", 300);
    int settle = args.integer("settle-seconds", 120);
    failShare = Double.parseDouble(args.get("fail-share", "0.25"));
    slowMs = args.integer("slow-ms", 3_000);
    int batch = 100;
    int receiverPort = Receiver.freePort();
    startReceiver(receiverPort).await(30, TimeUnit.SECONDS);
    createIntegration("http://127.0.0.1:" + receiverPort + "/hook");

    int calls = (int) Math.round((double) seconds * rate / batch);
    long period = Math.round(1e9 * batch / rate);
    List<SoakTally.Call> results = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> inFlight = new ArrayList<>(calls);
    URI bulkUri = URI.create(base + EndToEnd.INTERNAL + "/tenants/" + EndToEnd.TENANT + "/bulk/devices/status/accepted");
    Bench.log(String.format(Locale.ROOT, "soak: %d calls of %d events, one every %.0f ms (%d events/s) for %d s; "
        + "receiver fails %.0f%% (half slow: %d ms)", calls, batch, period / 1e6, rate, seconds, failShare * 100, slowMs));
    long start = System.nanoTime() + 50_000_000L;
    long loggedMinute = 0;
    for (int i = 0; i < calls; i++) {
      long due = start + i * period;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      StringBuilder body = new StringBuilder(batch * 16).append('[');
      for (int k = 0; k < batch; k++) {
        body.append(k == 0 ? "" : ",").append("{\"id\":\"s-").append(i * batch + k).append("\"}");
      }
      body.append(']');
      long sent = System.nanoTime();
      HttpRequest request = HttpRequest.newBuilder(bulkUri).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
      inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
        long answered = System.nanoTime();
        results.add(new SoakTally.Call((sent - start) / 1e6, (answered - sent) / 1e6, e == null ? r.statusCode() : -1,
            batch));
      }));
      long minute = (System.nanoTime() - start) / 60_000_000_000L;
      if (minute != loggedMinute) {
        loggedMinute = minute;
        Bench.log("  minute " + minute + " done; receiver saw " + posts.get() + " POSTs");
      }
    }
    long fedAt = System.nanoTime();
    try { // every call answered (or failed), for at most 90 s; those still open then count as unanswered
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
          .get(90, TimeUnit.SECONDS);
    } catch (TimeoutException stillOpen) {
      Bench.log("  " + inFlight.stream().filter(f -> !f.isDone()).count() + " calls still unanswered after 90 s");
    }
    List<SoakTally.Call> all;
    synchronized (results) {
      all = new ArrayList<>(results);
    }
    long unanswered = calls - all.size();
    long accepted = all.stream().filter(c -> c.status() == 202).mapToLong(SoakTally.Call::events).sum();
    Bench.log("feed done: " + accepted + " events accepted; waiting until " + settle + " s after the feed stopped");
    long settleLeft = fedAt + TimeUnit.SECONDS.toNanos(settle) - System.nanoTime();
    if (settleLeft > 0) { // a timer, not a poll: nothing to watch until the settle period is over
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(settleLeft, TimeUnit.NANOSECONDS)).join();
    }

    // ---- per minute
    System.out.println("soak_seconds=" + seconds);
    System.out.println("soak_rate=" + rate);
    System.out.println("soak_settle_seconds=" + settle);
    for (SoakTally.Minute m : SoakTally.perMinute(all, seconds)) {
      String p = "soak_minute" + m.minute() + "_";
      Bench.result(p + "accepted_per_s", m.acceptedPerSecond());
      Bench.result(p + "calls", m.calls());
      Bench.result(p + "p50_ms", m.p50Ms());
      Bench.result(p + "p99_ms", m.p99Ms());
      Bench.result(p + "max_ms", m.maxMs());
      Bench.result(p + "503", m.rejected503());
      Bench.result(p + "other_errors", m.otherErrors());
    }
    Bench.result("soak_calls", calls);
    Bench.result("soak_unanswered_calls", unanswered);
    Bench.result("soak_accepted_events", accepted);
    Bench.result("soak_accepted_per_s", accepted / (double) seconds);
    Bench.result("soak_p99_ms", SoakTally.latencyPercentile(all, 99));
    Bench.result("soak_503", all.stream().filter(c -> c.status() == 503).count());

    // ---- the receiver's view
    Bench.result("soak_receiver_posts", posts.get());
    Bench.result("soak_events_seen", seen.size());
    long duplicated = seen.values().stream().filter(e -> e.postsAfterAck() > 0).count();
    Bench.result("soak_duplicated_events", duplicated);
    Bench.result("soak_duplicates_percent", SoakTally.duplicatePercent(seen.values()));

    // ---- the service's view: every stored event and its delivery state
    long stored = 0;
    long unfinished = 0;
    long delivered = 0;
    long failed = 0;
    long postsUnrecorded = 0;
    long eventsWithUnrecordedPosts = 0;
    List<String> unfinishedSample = new ArrayList<>();
    List<String> unrecordedSample = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonArray items = listEvents(page, 500);
      for (int i = 0; i < items.size(); i++) {
        JsonObject event = items.getJsonObject(i);
        stored++;
        JsonArray statuses = event.getJsonArray("delivery_statuses", new JsonArray());
        int attempts = 0;
        boolean finished = !statuses.isEmpty();
        for (int k = 0; k < statuses.size(); k++) {
          JsonObject s = statuses.getJsonObject(k);
          attempts += s.getInteger("attempts", 0);
          String state = s.getString("state", "");
          if ("delivered".equals(state)) {
            delivered++;
          } else if ("failed".equals(state)) {
            failed++;
          } else {
            finished = false;
          }
        }
        String id = event.getString("id");
        if (!finished) {
          unfinished++;
          if (unfinishedSample.size() < 5) {
            unfinishedSample.add(id + ":" + statuses.encode());
          }
        }
        SoakTally.EventSeen e = seen.get(id);
        if (e != null && e.posts() > attempts) {
          postsUnrecorded += e.posts() - attempts;
          eventsWithUnrecordedPosts++;
          if (unrecordedSample.size() < 5) {
            unrecordedSample.add(id + " posts=" + e.posts() + " attempts=" + attempts);
          }
        }
      }
      if (items.size() < 500) {
        break;
      }
    }
    Bench.result("soak_stored_events", stored);
    Bench.result("soak_stored_not_accepted", stored - accepted);
    Bench.result("soak_delivered", delivered);
    Bench.result("soak_failed", failed);
    Bench.result("soak_unfinished", unfinished);
    Bench.result("soak_posts_unrecorded", postsUnrecorded);
    Bench.result("soak_events_with_unrecorded_posts", eventsWithUnrecordedPosts);
    unfinishedSample.forEach(s -> Bench.log("unfinished: " + s));
    unrecordedSample.forEach(s -> Bench.log("sent more often than recorded: " + s));
  }

  private Future<Integer> startReceiver(int port) {
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(60))
                .requestHandler(Soak.this::handle)
                .listen(port, "127.0.0.1");
          }
        }, new DeploymentOptions().setInstances(2))
        .map(id -> port);
  }

  private volatile double failShare = 0.25;
  private volatile int slowMs = 3_000;

  private void handle(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      posts.incrementAndGet();
      String id = req.getHeader("webhook-id");
      SoakTally.EventSeen event = id == null ? null : seen.computeIfAbsent(id, k -> new SoakTally.EventSeen());
      if (event != null) {
        event.post();
      }
      switch (SoakTally.answer(ThreadLocalRandom.current().nextDouble(), failShare)) {
        case OK -> {
          if (event != null) {
            event.acknowledged();
          }
          req.response().setStatusCode(200).end();
        }
        case FAIL_FAST -> req.response().setStatusCode(500).end("soak: failing on purpose");
        case FAIL_SLOW -> vertx.setTimer(slowMs, t -> req.response().setStatusCode(500).end("soak: too late"));
      }
    });
  }

  private void createIntegration(String url) throws Exception {
    String body = "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + url
        + "\",\"secret\":\"deadbeef\"}},\"description\":\"soak receiver\"}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + EndToEnd.MANAGEMENT + "/integrations"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + EndToEnd.userToken())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("creating the integration answered " + r.statusCode() + ": " + r.body());
    }
  }

  private JsonArray listEvents(int page, int perPage) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + EndToEnd.MANAGEMENT + "/events?page="
            + page + "&per_page=" + perPage)).timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + EndToEnd.userToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("listing events answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonArray(r.body());
  }
}
