package iotbench;

import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.iotmanager.webhooks.adapter.mongo.MongoStoreSettings;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ceiling (b): the store alone, through the service's own store adapter ({@link MongoStore}: the same
 * driver, the same client settings, w:majority + j:true on MongoDB, the DurableH2Backend commit-per-command
 * on the embedded store) and the same event documents: batches of 100 inserted as fast as the store takes
 * them, at concurrency 1 and at the intake concurrency; and the latency of one durable single-document
 * insert, sequentially.
 */
final class StoreCeiling {
  private static final UUID INTEGRATION = UUID.randomUUID();

  static void run(Args args) throws Exception {
    String mongoUrl = args.get("mongo-url", "");
    String dataDir = args.get("data-dir", "");
    String db = args.get("db", "bench_ceiling");
    int seconds = args.integer("seconds", 10);
    int concurrency = args.integer("concurrency", 4);
    int singles = args.integer("singles", 300);
    int maxDocs = args.integer("max-docs", 300_000);
    MongoStoreSettings settings = mongoUrl.isEmpty()
        ? MongoStoreSettings.embedded(Path.of(dataDir))
        : new MongoStoreSettings(mongoUrl, db, Path.of("unused"), MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS,
            Optional.empty(), Optional.empty(), MongoStoreSettings.DEFAULT_HEALTH_TIMEOUT);
    Vertx vertx = Vertx.vertx();
    AtomicLong commands = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    MongoStore store = MongoStore.open(vertx, settings, new StoreMetrics() {
      @Override
      public void commandSent(String command) {
        commands.incrementAndGet();
      }

      @Override
      public void documentsWritten(long documents) {
        writes.addAndGet(documents);
      }
    }).await(120, TimeUnit.SECONDS);
    try {
      Bench.log("store ceiling on " + store.description());
      EventRepository events = store.events();
      // warm-up: JIT, connection pool, file growth
      for (int i = 0; i < 20; i++) {
        events.insertAll(batch(100), "bench", Instant.now().plusSeconds(60)).await(60, TimeUnit.SECONDS);
      }
      for (int i = 0; i < 20; i++) {
        events.insertAll(batch(1), "bench", Instant.now().plusSeconds(60)).await(60, TimeUnit.SECONDS);
      }
      double[] single = new double[singles];
      for (int i = 0; i < singles; i++) {
        List<EventRecord> one = batch(1);
        long t = System.nanoTime();
        events.insertAll(one, "bench", Instant.now().plusSeconds(60)).await(60, TimeUnit.SECONDS);
        single[i] = (System.nanoTime() - t) / 1e6;
      }
      double[] s = Stats.sorted(single);
      Bench.result("store_single_insert_p50_ms", Stats.percentile(s, 50));
      Bench.result("store_single_insert_p99_ms", Stats.percentile(s, 99));

      double best = 0;
      for (int c : concurrency == 1 ? new int[] {1} : new int[] {1, concurrency}) {
        long c0 = commands.get();
        long w0 = writes.get();
        double rate = batches(vertx, events, c, Duration.ofSeconds(seconds), maxDocs);
        Bench.result("store_batch100_c" + c + "_docs_per_s", rate);
        Bench.log("  concurrency " + c + ": " + Stats.fmt(rate) + " docs/s, " + (commands.get() - c0) + " commands, "
            + (writes.get() - w0) + " documents written");
        best = Math.max(best, rate);
      }
      Bench.result("store_ceiling_docs_per_s", best);
      Bench.result("store_limit_events_per_s", best / 2);
    } finally {
      if (!mongoUrl.isEmpty()) {
        MongoClient admin = MongoClient.create(vertx, new JsonObject().put("connection_string", mongoUrl)
            .put("db_name", db));
        admin.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1))
            .eventually(admin::close).await(60, TimeUnit.SECONDS);
      }
      store.close().await(60, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Documents per second inserted by {@code concurrency} loops of 100-document batches. */
  private static double batches(Vertx vertx, EventRepository events, int concurrency, Duration duration, int maxDocs)
      throws Exception {
    AtomicLong docs = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loop(events, docs, failures, deadline, maxDocs, done);
      loops.add(done.future());
    }
    Future.all(loops).await(duration.toSeconds() + 120, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    if (failures.get() > 0) {
      Bench.log("  " + failures.get() + " batch insert(s) failed");
    }
    return docs.get() / (elapsed / 1e9);
  }

  private static void loop(EventRepository events, AtomicLong docs, AtomicLong failures, long deadline, int maxDocs,
      Promise<Void> done) {
    if (System.nanoTime() >= deadline || docs.get() >= maxDocs || failures.get() > 10) {
      done.tryComplete();
      return;
    }
    events.insertAll(batch(100), "bench", Instant.now().plusSeconds(60)).onComplete(ar -> {
      if (ar.succeeded()) {
        docs.addAndGet(100);
      } else {
        failures.incrementAndGet();
        Bench.log("  batch failed: " + ar.cause());
      }
      loop(events, docs, failures, deadline, maxDocs, done);
    });
  }

  /** {@code n} device-status-changed events of the benchmark tenant, one pending webhook delivery each. */
  static List<EventRecord> batch(int n) {
    Instant now = Instant.now();
    List<EventRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String device = "ceiling-" + UUID.randomUUID();
      Event event = Event.create(UUID.randomUUID(), "bench", EventType.DEVICE_STATUS_CHANGED, device,
          new JsonText("{\"id\":\"" + device + "\",\"status\":\"accepted\"}"), now);
      records.add(new EventRecord(event, List.of(DeliveryStatus.pending(INTEGRATION, now))));
    }
    return records;
  }
}
