package iotbench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * End to end against a running service, with the receiver and the load generator in this JVM (one clock):
 * <ol>
 *   <li>cold start: right after the service reported ready (and before anything else but creating the
 *       integration), {@code coldstart-events} single provision calls at {@code rate}/s: intake latency and
 *       time to first attempt of the first events a fresh service handles. The load generator's own client
 *       and receiver are warmed first, against the receiver alone, so that their start-up is not counted.
 *       With {@code coldstart-only true} the run ends there and deletes its integration (run.sh runs it
 *       in a JVM of its own on C1 alone, then the rest with {@code coldstart-events 0});</li>
 *   <li>an unmeasured warm-up ({@code warmup-events} in bulk, then 2 s of single provisions);</li>
 *   <li>bulk: {@code events} device-status-changed events in bulk intake calls of 100 from {@code callers}
 *       concurrent callers, as fast as the service answers; events delivered per second from the first
 *       intake call to the last first delivery; store commands and writes per delivered event from the
 *       service's /metrics (and from serverStatus opcounters on a real MongoDB);</li>
 *   <li>latency: single provision calls at {@code rate}/s for {@code latency-seconds}, open loop: intake
 *       latency, and time to first attempt = the receiver's arrival time minus the intake response time.</li>
 * </ol>
 */
final class EndToEnd {
  static final String INTERNAL = "/api/internal/v1/iot-manager";
  static final String MANAGEMENT = "/api/management/v1/iot-manager";
  static final String TENANT = "bench";

  private final Vertx vertx = Vertx.vertx();
  private String latencyDump = "";
  private final Receiver receiver = new Receiver();
  private final String host;
  private final int port;
  private HttpClient intake;
  private java.net.http.HttpClient jdkClient;
  private HttpClient control;
  private volatile double heapMaxBytes;
  private volatile boolean sampling = true;

  private EndToEnd(URI service) {
    this.host = service.getHost();
    this.port = service.getPort();
  }

  static void run(Args args) throws Exception {
    EndToEnd e2e = new EndToEnd(URI.create(args.required("service")));
    try {
      e2e.execute(args);
    } finally {
      e2e.sampling = false;
      e2e.vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void execute(Args args) throws Exception {
    int events = args.integer("events", 50_000);
    int callers = args.integer("callers", 4);
    int rate = args.integer("rate", 200);
    int latencySeconds = args.integer("latency-seconds", 30);
    int stallSeconds = args.integer("stall-seconds", 90);
    int coldEvents = args.integer("coldstart-events", 100);
    boolean coldOnly = Boolean.parseBoolean(args.get("coldstart-only", "false"));
    latencyDump = args.get("latency-dump", "");
    String mongoUrl = args.get("mongo-url", "");
    int receiverPort = Receiver.freePort();
    receiver.start(vertx, "127.0.0.1", receiverPort, args.integer("receiver-instances", 2))
        .await(30, TimeUnit.SECONDS);
    intake = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(callers + 2));
    // open loop, JDK client: a connection for every call in flight. (With Vert.x's client, a few calls
    // sent during a store stall never completed, not even by their timeout, although the service
    // answered them; the JDK client gets every answer.)
    jdkClient = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    control = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(2));

    warmLoadGenerator(receiverPort);
    String integration = createIntegration("http://127.0.0.1:" + receiverPort + "/hook");
    // ---- cold start: the first events the fresh service handles
    if (coldEvents > 0) {
      // CPU the service spends on them: unlike their latency, hardly changed by what else runs on the machine
      long pid = Long.parseLong(args.get("service-pid", "-1"));
      double cpu0 = pid > 0 ? Cpu.processSeconds(pid) : Double.NaN;
      latency("c-", rate, coldEvents, stallSeconds, "coldstart_", dumpPath("-coldstart"));
      double cpu1 = pid > 0 ? Cpu.processSeconds(pid) : Double.NaN;
      Bench.result("coldstart_cpu_service_ms_per_event", 1000 * (cpu1 - cpu0) / coldEvents);
    }
    if (coldOnly) {
      // its receiver goes away with this process: the integration too, so that a later run has its own only
      int deleted = answer(HttpMethod.DELETE, integration, null, userToken()).status();
      if (deleted != 204) {
        throw new IllegalStateException("deleting the integration " + integration + " answered " + deleted);
      }
      return;
    }
    Thread sampler = new Thread(this::sampleHeap, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    // ---- bulk intake
    ServiceMetrics m0 = scrape();
    JsonObject s0 = serverStatus(mongoUrl);
    long servicePid = Long.parseLong(args.get("service-pid", "-1"));
    List<Long> storePids = Cpu.parsePids(args.get("store-pids", ""));
    List<Long> pids = new ArrayList<>(List.of(servicePid, ProcessHandle.current().pid()));
    pids.addAll(storePids);
    Cpu cpu = new Cpu(pids);
    // warm-up (JIT, pools, caches): the same calls, not measured
    int warmup = args.integer("warmup-events", 5_000);
    if (warmup > 0) {
      Bench.log("warm-up: " + warmup + " events in bulk, then 2 s of single provisions");
      long before = receiver.eventIds.size();
      bulk("w-", warmup, callers);
      waitForDistinct(before + warmup, stallSeconds, Math.max(600, warmup / 20));
      latency("wp-", rate, rate * 2, stallSeconds, null, "");
      Thread.sleep(2_000);
      m0 = scrape();
      s0 = serverStatus(mongoUrl);
    }
    long beforeBulk = receiver.eventIds.size();
    Cpu.Snapshot c0 = cpu.snapshot();
    Map<String, Double> t0 = Cpu.threadSeconds(servicePid);
    BulkResult bulk = bulk("b-", events, callers);
    boolean complete = waitForDistinct(beforeBulk + events, stallSeconds, Math.max(600, events / 20));
    long lastArrival = receiver.lastNewArrival.get();
    Cpu.Snapshot c1 = cpu.snapshot();
    Map<String, Double> t1 = Cpu.threadSeconds(servicePid);
    Thread.sleep(2_000); // let the last outcomes be written, and late duplicates arrive
    ServiceMetrics m1 = scrape();
    JsonObject s1 = serverStatus(mongoUrl);

    long distinctDevices = receiver.devicesWithPrefix("b-");
    double seconds = (lastArrival - bulk.start) / 1e9;
    Bench.result("e2e_events", events);
    Bench.result("e2e_intake_errors", bulk.errors);
    Bench.result("e2e_intake_events_per_s", bulk.accepted / ((bulk.end - bulk.start) / 1e9));
    Bench.result("e2e_delivered_distinct", distinctDevices);
    Bench.result("e2e_lost", events - distinctDevices);
    Bench.result("e2e_duplicates", receiver.duplicates.get());
    Bench.result("e2e_complete", complete ? 1 : 0);
    Bench.result("e2e_events_per_s", distinctDevices / seconds);
    Bench.result("e2e_seconds", seconds);

    // CPU during the bulk phase: ours, and what the rest of the machine took meanwhile
    double wall = (c1.wallNanos() - c0.wallNanos()) / 1e9;
    double service = c1.processes()[0] - c0.processes()[0];
    double loadgen = c1.processes()[1] - c0.processes()[1];
    double store = 0;
    for (int i = 2; i < pids.size(); i++) {
      store += c1.processes()[i] - c0.processes()[i];
    }
    double machine = c1.machineBusy() - c0.machineBusy();
    Bench.result("cpu_cores", Runtime.getRuntime().availableProcessors());
    Bench.result("cpu_phase_s", wall);
    Bench.result("cpu_service_s", service);
    Bench.result("cpu_store_process_s", storePids.isEmpty() ? Double.NaN : store);
    Bench.result("cpu_loadgen_receiver_s", loadgen);
    Bench.result("cpu_machine_busy_s", machine);
    Bench.result("cpu_others_s", machine - service - loadgen - store);
    Bench.result("cpu_service_threads", Cpu.topThreads(t0, t1, 8));
    Bench.result("cpu_service_ms_per_event", 1000 * service / Math.max(1, receiver.devicesWithPrefix("b-")));

    double delivered = m1.sum("webhook_attempts_total", "outcome=\"delivered\"")
        - m0.sum("webhook_attempts_total", "outcome=\"delivered\"");
    double attempts = m1.sum("webhook_attempts_total", "") - m0.sum("webhook_attempts_total", "");
    double commands = m1.sum("webhook_store_commands_total", "") - m0.sum("webhook_store_commands_total", "");
    double writes = m1.sum("webhook_store_document_writes_total", "")
        - m0.sum("webhook_store_document_writes_total", "");
    Bench.result("e2e_attempts", attempts);
    Bench.result("e2e_delivered_metric", delivered);
    Bench.result("store_commands_per_event", commands / delivered);
    Bench.result("store_writes_per_event", writes / delivered);
    Map<String, Double> before = m0.byLabel("webhook_store_commands_total", "command");
    Map<String, Double> after = m1.byLabel("webhook_store_commands_total", "command");
    StringBuilder breakdown = new StringBuilder();
    for (Map.Entry<String, Double> e : new TreeMap<>(after).entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (d > 0) {
        breakdown.append(breakdown.length() == 0 ? "" : " ").append(e.getKey()).append(':').append((long) d);
      }
    }
    Bench.result("store_commands_breakdown", breakdown.toString());
    if (s0 != null && s1 != null) {
      JsonObject o0 = s0.getJsonObject("opcounters");
      JsonObject o1 = s1.getJsonObject("opcounters");
      StringBuilder ops = new StringBuilder();
      for (String k : List.of("insert", "query", "update", "delete", "getmore", "command")) {
        long d = o1.getLong(k, 0L) - o0.getLong(k, 0L);
        Bench.result("server_op_" + k + "_per_event", d / delivered);
        ops.append(ops.length() == 0 ? "" : " ").append(k).append(':').append(d);
      }
      Bench.result("server_opcounters_delta", ops.toString());
    }

    // ---- single provisions at a fixed rate
    if (latencySeconds > 0) {
      latency("p-", rate, rate * latencySeconds, stallSeconds, "", latencyDump);
      eventPages(50);
    }
    Bench.result("heap_max_used_mb", heapMaxBytes / 1048576.0);
    Bench.result("receiver_requests", receiver.requests.get());
    Bench.result("receiver_unreadable", receiver.unreadable.get());
  }

  private record BulkResult(long start, long end, long accepted, long errors) {}

  private BulkResult bulk(String prefix, int events, int callers) throws Exception {
    int batches = (events + 99) / 100;
    AtomicInteger next = new AtomicInteger();
    AtomicLong accepted = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong end = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    Bench.log("bulk intake: " + events + " events in " + batches + " calls of 100, " + callers + " callers");
    long start = System.nanoTime();
    for (int c = 0; c < callers; c++) {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      bulkLoop(prefix, batches, events, next, accepted, errors, end, done);
      loops.add(done.future());
    }
    Future.all(loops).await(Math.max(600, events / 20), TimeUnit.SECONDS);
    Bench.log(String.format("bulk intake done: %d accepted in %.1f s, %d errors", accepted.get(),
        (end.get() - start) / 1e9, errors.get()));
    return new BulkResult(start, end.get(), accepted.get(), errors.get());
  }

  private void bulkLoop(String prefix, int batches, int events, AtomicInteger next, AtomicLong accepted, AtomicLong errors,
      AtomicLong end, io.vertx.core.Promise<Void> done) {
    int batch = next.getAndIncrement();
    if (batch >= batches) {
      done.tryComplete();
      return;
    }
    StringBuilder body = new StringBuilder(2_000).append('[');
    int from = batch * 100;
    int to = Math.min(events, from + 100);
    for (int i = from; i < to; i++) {
      body.append(i == from ? "" : ",").append("{\"id\":\"").append(prefix).append(i).append("\"}");
    }
    body.append(']');
    sendBatch(Buffer.buffer(body.toString()), to - from, 1, accepted, errors, end)
        .onComplete(ar -> bulkLoop(prefix, batches, events, next, accepted, errors, end, done));
  }

  private Future<Void> sendBatch(Buffer body, int size, int attempt, AtomicLong accepted, AtomicLong errors,
      AtomicLong end) {
    return call(HttpMethod.PUT, INTERNAL + "/tenants/" + TENANT + "/bulk/devices/status/accepted", body, null)
        .transform(ar -> {
          if (ar.succeeded() && ar.result() == 202) {
            accepted.addAndGet(size);
            end.accumulateAndGet(System.nanoTime(), Math::max);
            return Future.succeededFuture();
          }
          errors.incrementAndGet();
          if (errors.get() <= 5) {
            Bench.log("bulk call failed (try " + attempt + "): " + (ar.succeeded() ? "status " + ar.result()
                : ar.cause().toString()));
          }
          if (attempt >= 5) {
            return Future.succeededFuture();
          }
          io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
          vertx.setTimer(200L * attempt, id -> sendBatch(body, size, attempt + 1, accepted, errors, end)
              .onComplete(later));
          return later.future();
        });
  }

  /** Waits until {@code expected} distinct events arrived; false when arrivals stalled or time ran out. */
  private boolean waitForDistinct(long expected, int stallSeconds, int timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long seen = -1;
    long progressAt = System.nanoTime();
    long loggedAt = System.nanoTime();
    while (receiver.eventIds.size() < expected) {
      long now = System.nanoTime();
      int size = receiver.eventIds.size();
      if (size != seen) {
        seen = size;
        progressAt = now;
      } else if (now - progressAt > TimeUnit.SECONDS.toNanos(stallSeconds)) {
        Bench.log("no new delivery for " + stallSeconds + " s; " + size + " of " + expected + " arrived");
        return false;
      }
      if (now > deadline) {
        Bench.log("timed out after " + timeoutSeconds + " s; " + size + " of " + expected + " arrived");
        return false;
      }
      if (now - loggedAt > TimeUnit.SECONDS.toNanos(10)) {
        Bench.log("  delivered " + size + " of " + expected);
        loggedAt = now;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** The latency dump's file name with {@code suffix} before its extension; empty when there is no dump. */
  private String dumpPath(String suffix) {
    if (latencyDump.isEmpty()) {
      return "";
    }
    int dot = latencyDump.lastIndexOf('.');
    return dot > latencyDump.lastIndexOf('/') ? latencyDump.substring(0, dot) + suffix + latencyDump.substring(dot)
        : latencyDump + suffix;
  }

  /**
   * Warms this JVM's side (the JDK client of the provision calls, the receiver's server and JSON parsing)
   * with POSTs to the receiver alone, which it answers without recording them: the cold-start figures
   * then show the service's first events, not the load generator's.
   */
  private void warmLoadGenerator(int receiverPort) throws Exception {
    java.net.URI warm = java.net.URI.create("http://127.0.0.1:" + receiverPort + Receiver.WARMUP_PATH);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    int calls = 0;
    while (calls < 2_000 && System.nanoTime() < until) {
      List<java.util.concurrent.CompletableFuture<?>> wave = new ArrayList<>();
      for (int i = 0; i < 20; i++, calls++) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(warm)
            .timeout(java.time.Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"id\":\"warm\",\"data\":" + provisionBody("w" + calls) + "}"))
            .build();
        wave.add(jdkClient.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.discarding()));
      }
      java.util.concurrent.CompletableFuture.allOf(wave.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);
    }
    Bench.log("load generator warmed with " + calls + " calls to the receiver alone");
  }

  /**
   * {@code count} single provision calls at {@code rate}/s, open loop. With {@code resultPrefix} null
   * nothing is reported (a warm-up); else the results are printed under keys starting with it, and one
   * line per call is written to {@code dump} unless it is empty.
   */
  private void latency(String prefix, int rate, int count, int stallSeconds, String resultPrefix, String dump)
      throws Exception {
    long[] sent = new long[count];
    long[] answered = new long[count];
    int[] status = new int[count];
    AtomicInteger done = new AtomicInteger();
    long alreadyDistinct = receiver.eventIds.size();
    Bench.log("provisions: " + count + " single calls at " + rate + "/s");
    if (resultPrefix != null) {
      // the events stored before this phase (all of them delivered by now): the store's size it runs against
      Bench.result(resultPrefix + "latency_events_stored", alreadyDistinct);
    }
    java.net.URI provisionUri = java.net.URI.create("http://" + host + ":" + port + INTERNAL + "/tenants/" + TENANT
        + "/devices");
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < count; i++) {
      long due = start + i * period;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      int n = i;
      String device = prefix + i;
      Buffer body = Buffer.buffer(provisionBody(device));
      sent[n] = System.nanoTime();
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(provisionUri)
          .timeout(java.time.Duration.ofSeconds(60))
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.getBytes()))
          .build();
      jdkClient.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
        answered[n] = System.nanoTime();
        status[n] = e == null ? r.statusCode() : -1;
        done.incrementAndGet();
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (done.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long offered = System.nanoTime();
    int ok = 0;
    int unanswered = 0;
    for (int s : status) {
      ok += s == 202 ? 1 : 0;
      unanswered += s == 0 ? 1 : 0;
    }
    if (unanswered > 0) {
      Bench.log(unanswered + " call(s) got no answer at all within 120 s");
    }
    boolean complete = waitForDistinct(alreadyDistinct + ok, stallSeconds, 300);
    Bench.log("provisions answered 202: " + ok + " of " + count + "; all delivered: " + complete + " ("
        + Stats.fmt((System.nanoTime() - offered) / 1e9) + " s after the last answer)");
    double[] latency = new double[ok];
    List<Double> ttfa = new ArrayList<>();
    int k = 0;
    long missing = 0;
    for (int i = 0; i < count; i++) {
      if (status[i] != 202) {
        continue;
      }
      latency[k++] = (answered[i] - sent[i]) / 1e6;
      Long arrival = receiver.firstArrivalByDevice.get(prefix + i);
      if (arrival == null) {
        missing++;
      } else {
        ttfa.add((arrival - answered[i]) / 1e6);
      }
    }
    if (resultPrefix == null) {
      return;
    }
    if (!dump.isEmpty()) {
      // one line per call: when it was sent (ms after the first), intake latency, time to first attempt
      StringBuilder lines = new StringBuilder("sent_ms latency_ms ttfa_ms status\n");
      for (int i = 0; i < count; i++) {
        Long arrival = receiver.firstArrivalByDevice.get(prefix + i);
        lines.append(String.format(java.util.Locale.ROOT, "%.1f %.2f %s %d%n", (sent[i] - sent[0]) / 1e6,
            (answered[i] - sent[i]) / 1e6, arrival == null ? "NaN"
                : String.format(java.util.Locale.ROOT, "%.2f", (arrival - answered[i]) / 1e6), status[i]));
      }
      java.nio.file.Files.writeString(java.nio.file.Path.of(dump), lines);
    }
    double[] l = Stats.sorted(latency);
    double[] t = Stats.sorted(ttfa.stream().mapToDouble(Double::doubleValue).toArray());
    Bench.result(resultPrefix + "intake_rate_per_s", rate);
    Bench.result(resultPrefix + "intake_calls", count);
    Bench.result(resultPrefix + "intake_errors", count - ok);
    Bench.result(resultPrefix + "intake_unanswered", unanswered);
    Bench.result(resultPrefix + "intake_p50_ms", Stats.percentile(l, 50));
    Bench.result(resultPrefix + "intake_p99_ms", Stats.percentile(l, 99));
    Bench.result(resultPrefix + "intake_max_ms", l.length == 0 ? Double.NaN : l[l.length - 1]);
    Bench.result(resultPrefix + "ttfa_p50_ms", Stats.percentile(t, 50));
    Bench.result(resultPrefix + "ttfa_p99_ms", Stats.percentile(t, 99));
    Bench.result(resultPrefix + "ttfa_max_ms", t.length == 0 ? Double.NaN : t[t.length - 1]);
    Bench.result(resultPrefix + "ttfa_min_ms", t.length == 0 ? Double.NaN : t[0]);
    Long first = status[0] == 202 ? receiver.firstArrivalByDevice.get(prefix + 0) : null;
    Bench.result(resultPrefix + "ttfa_first_ms", first == null ? Double.NaN : (first - answered[0]) / 1e6);
    Bench.result(resultPrefix + "latency_lost", missing);
  }

  /**
   * The management API's event list with every event of the run stored: {@code pages} sequential
   * requests of pages 1.. of 20, newest first (the console's first screen and its paging).
   */
  private void eventPages(int pages) throws Exception {
    double[] ms = new double[pages];
    int errors = 0;
    for (int page = 1; page <= pages; page++) {
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://" + host + ":" + port + MANAGEMENT + "/events?per_page=20&page=" + page))
          .timeout(java.time.Duration.ofSeconds(60)).header("Authorization", "Bearer " + userToken()).GET().build();
      long start = System.nanoTime();
      int code = jdkClient.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      ms[page - 1] = (System.nanoTime() - start) / 1e6;
      errors += code == 200 ? 0 : 1;
    }
    double[] sorted = Stats.sorted(ms);
    Bench.result("event_page_p50_ms", Stats.percentile(sorted, 50));
    Bench.result("event_page_max_ms", sorted[sorted.length - 1]);
    Bench.result("event_page_errors", errors);
  }

  static String provisionBody(String device) {
    return "{\"id\":\"" + device + "\",\"status\":\"pending\",\"auth_sets\":[{\"id\":\"" + UUID.randomUUID()
        + "\",\"device_id\":\"" + device + "\",\"identity_data\":{\"mac\":\"00:11:22:33:44:55\",\"sku\":\"bench-1\"},"
        + "\"pubkey\":\"-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzogVU7RGDilbsoUt/DdH"
        + "VJvcepl0A5+xzGQ50cq1VE/Dyyy8Zp0jzRXCnnu9nu395mAFSZGotZVr+sWEpO3cPrO79tSTmQWD5OylzOYBkYkqL6OpbJfLmkqs"
        + "\\n-----END PUBLIC KEY-----\\n\",\"status\":\"pending\"}],\"created_ts\":\"2024-01-01T00:00:00Z\"}";
  }

  /** Creates the benchmark's integration; returns its path (the answer's Location). */
  private String createIntegration(String url) {
    String body = "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + url
        + "\",\"secret\":\"deadbeef\"}},\"description\":\"benchmark receiver\"}";
    Answer created = answer(HttpMethod.POST, MANAGEMENT + "/integrations", Buffer.buffer(body), userToken());
    if (created.status() != 201 || created.location() == null) {
      throw new IllegalStateException("creating the integration answered " + created.status());
    }
    return created.location();
  }

  static String userToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(("{\"sub\":\"bench\",\"mender.user\":true,\"mender.tenant\":\"" + TENANT + "\"}")
            .getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  /** One request; completes with the status code once the response body is in. */
  private Future<Integer> call(HttpMethod method, String uri, Buffer body, String token) {
    return exchange(method, uri, body, token).map(Answer::status);
  }

  /** One request, waited for (30 s at most): its status and Location header. */
  private Answer answer(HttpMethod method, String uri, Buffer body, String token) {
    return Bench.await(exchange(method, uri, body, token), 30);
  }

  /** One request on the intake client; completes with its status and Location once the body is in. */
  private Future<Answer> exchange(HttpMethod method, String uri, Buffer body, String token) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setHost(host).setPort(port)
        .setTimeout(60_000).putHeader("Content-Type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return intake.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers().get("Location"))));
  }

  private record Answer(int status, String location) {}

  private ServiceMetrics scrape() {
    String text = Bench.await(control.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/metrics")
            .setHost(host).setPort(port).setTimeout(30_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body())
        .map(Buffer::toString), 60);
    return ServiceMetrics.parse(text);
  }

  private void sampleHeap() {
    while (sampling) {
      try {
        double heap = scrape().sum("jvm_memory_used_bytes", "area=\"heap\"");
        if (heap > heapMaxBytes) {
          heapMaxBytes = heap;
        }
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the service may be busy or stopping; try again
      }
    }
  }

  private MongoClient admin;

  /** serverStatus of the real MongoDB (one client for the whole run, so its own hand-shake counts once). */
  private JsonObject serverStatus(String mongoUrl) {
    if (mongoUrl.isEmpty()) {
      return null;
    }
    if (admin == null) {
      admin = MongoClient.create(vertx, new JsonObject().put("connection_string", mongoUrl).put("db_name", "admin"));
    }
    return Bench.await(admin.runCommand("serverStatus", new JsonObject().put("serverStatus", 1)), 60);
  }
}
