package iotbench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's Java side, run with the service's fat jar on the class path (it holds Vert.x, the
 * MongoDB driver and the store adapter). {@code bench/run.sh} drives it; each command prints its
 * results as {@code key=value} lines on stdout and its progress on stderr.
 *
 * <pre>
 *   receiver --port P [--seconds S] [--instances N]   the receiver alone, for wrk (ceiling a)
 *   store    (--data-dir DIR | --mongo-url URL --db NAME) [--seconds S] [--concurrency C]   ceiling (b)
 *   e2e      --service http://127.0.0.1:PORT [--events N] [--callers C] [--rate R] [--latency-seconds S]
 *            [--mongo-url URL]                         end to end against a running service
 *   soak     --service http://127.0.0.1:PORT [--seconds 180] [--rate 300] [--settle-seconds 120]
 *            [--fail-share 0.25] [--slow-ms 3000]      the overload soak against a running service
 *   soakreport --file SOAK.txt                       a soak's results as Markdown
 *   crash    --jar JAR (--data-dir DIR | --mongo-url URL --db NAME) [--events N]   kill -9 and restart
 *   dropdb   --mongo-url URL --db NAME                 drops a benchmark database
 *   report   --dir RESULTS --out FILE                  appends the runs and their medians to FILE
 *   jfrtop   --file F.jfr [--top N]                    where the CPU samples of a recording go
 * </pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: Bench receiver|store|e2e|soak|dropdb|report|jfrtop --key value ...");
      System.exit(2);
    }
    Args args = new Args(argv, 1);
    switch (argv[0]) {
      case "receiver" -> receiver(args);
      case "store" -> StoreCeiling.run(args);
      case "e2e" -> EndToEnd.run(args);
      case "soak" -> Soak.run(args);
      case "soakreport" -> SoakReport.run(args);
      case "crash" -> CrashRestart.run(args);
      case "dropdb" -> dropDatabase(args);
      case "report" -> Report.run(args);
      case "jfrtop" -> JfrTop.run(args);
      default -> {
        System.err.println("unknown command " + argv[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  /** The receiver alone, until {@code --seconds} pass (or it is stopped); then prints what it counted. */
  private static void receiver(Args args) throws Exception {
    Vertx vertx = Vertx.vertx();
    Receiver receiver = new Receiver();
    int port = args.integer("port", 0);
    receiver.start(vertx, "127.0.0.1", port, args.integer("instances", 2)).await(30, TimeUnit.SECONDS);
    log("receiver listening on 127.0.0.1:" + port);
    System.out.println("ready");
    System.out.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.integer("seconds", 120));
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    result("receiver_requests", receiver.requests.get());
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static void dropDatabase(Args args) throws Exception {
    Vertx vertx = Vertx.vertx();
    MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", args.required("mongo-url"))
        .put("db_name", args.required("db")));
    try {
      client.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)).await(120, TimeUnit.SECONDS);
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Waits (never on an event loop) for {@code future}; a timeout is an unchecked failure. */
  static <T> T await(io.vertx.core.Future<T> future, long seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s", e);
    }
  }

  static void log(String message) {
    System.err.println("[bench] " + message);
  }

  static void result(String key, double value) {
    System.out.println(key + "=" + (Double.isNaN(value) ? "NaN"
        : value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.4f", value)));
  }

  static void result(String key, String value) {
    System.out.println(key + "=" + value);
  }
}
