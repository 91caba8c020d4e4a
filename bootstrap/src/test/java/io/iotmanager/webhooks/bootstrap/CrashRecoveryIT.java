package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At least once across crashes (docs/wire-contract.md B1, issue 5), on the fat jar run as a process: events accepted
 * before a {@code kill -9} or a SIGTERM are all delivered once the service is back on the same store.
 * Each scenario runs on the embedded store and, when {@code IOT_MANAGER_MONGO_URL} is set, on that
 * MongoDB (a fresh database per test). The lease is 6 s ({@code webhooks_lease_seconds}) so recovery
 * takes seconds, not the default minute.
 *
 * <p>Duplicates: an event may reach the receiver twice only around the crash (delivered, but the outcome
 * not recorded before the kill) or when an attempt failed on the service's side without a response (a
 * timeout: the receiver still got it, late, on a loaded machine). Any other duplicate fails the test.
 */
class CrashRecoveryIT {
  private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
  static final String NEEDS_MONGO = "needs a real MongoDB (CI sets IOT_MANAGER_MONGO_URL)";
  static final int LEASE_SECONDS = 6;
  static final int TIMEOUT_SECONDS = 3;
  static final String SCHEDULE = "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s";
  private static final int EVENTS = 300;
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration DELIVER = Duration.ofSeconds(60);
  private static final String TENANT = "crash";

  enum Store { EMBEDDED, MONGO }

  @TempDir
  Path dir;

  /** The environment of every jar of one test: same store (data dir or database) across restarts. */
  private Map<String, String> env(Store store) {
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    env.put("IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", Integer.toString(TIMEOUT_SECONDS));
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", SCHEDULE);
    if (store == Store.MONGO) {
      assumeTrue(TestService.realMongo(), NEEDS_MONGO);
      env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
      env.put("IOT_MANAGER_MONGO_DBNAME", "crash_" + UUID.randomUUID().toString().replace("-", ""));
    } else {
      env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    }
    return env;
  }

  /**
   * The receiver is down (nothing listens on the integration's port) while a few hundred events are
   * accepted and attempted once; the service is killed and restarted on the same store, and the
   * integration is pointed at a receiver that is up (a credentials change applies to pending deliveries):
   * every accepted event arrives, and none twice (nothing was delivered before the crash).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Store.class)
  void killedWhileTheReceiverIsDownLosesNothing(Store store) throws Exception {
    Map<String, String> env = env(store);
    Ledger ledger = new Ledger(200);
    JarProcess first = null;
    Recovery second = null;
    Receiver receiver = null;
    try {
      first = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      String integration = JarApi.createWebhook(first, TENANT, "http://127.0.0.1:" + JarProcess.freePort() + "/down");
      List<String> accepted = JarApi.acceptDevices(first, TENANT, "down", EVENTS);
      JarProcess crashing = first;
      Ledger.await("a failed first attempt of every event", DELIVER,
          () -> count(crashing, " attempt=1 trigger=auto") >= EVENTS, () -> tail(crashing));

      first.kill();
      Instant killedAt = Instant.now();
      receiver = Receiver.start().respond(ledger);
      String up = receiver.url("/hook");
      second = recover(env, ledger, accepted, Instant.MIN, jar -> JarApi.setUrl(jar, TENANT, integration, up));

      LOG.info("crash-report scenario=receiver-down store={} events={} restart_to_alive_ms={} "
          + "restart_to_all_delivered_ms={} kill_to_all_delivered_ms={} requests_after_restart={} duplicates={} "
          + "after_a_timeout={}", store, EVENTS, second.restartToAliveMs(), second.restartToDeliveredMs(),
          Duration.between(killedAt, Instant.now()).toMillis(), ledger.requests(), second.duplicates().size(),
          second.duplicates().size() - second.unexplained().size());
      assertTrue(second.unexplained().isEmpty(), "nothing was delivered before the crash, so nothing twice unless an "
          + "attempt timed out: " + second.unexplained());
      assertEquals(0, second.jar().terminate(Duration.ofSeconds(45)), "SIGTERM exits 0");
    } finally {
      closeAll(first, second == null ? null : second.jar(), receiver);
    }
  }

  /**
   * The receiver is up but slow (200 ms a request) and the service is killed while deliveries are in
   * flight: after the restart every accepted event arrives. An event may arrive twice only if its first
   * delivery happened before the crash (delivered, but the outcome not recorded yet).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Store.class)
  void killedWhileDeliveriesAreInFlightLosesNothing(Store store) throws Exception {
    Map<String, String> env = env(store);
    Ledger ledger = new Ledger(200);
    JarProcess first = null;
    Recovery second = null;
    Receiver receiver = null;
    try {
      receiver = Receiver.start().respond(ledger).delay(Duration.ofMillis(200));
      first = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      JarApi.createWebhook(first, TENANT, receiver.url("/hook"));
      List<String> accepted = JarApi.acceptDevices(first, TENANT, "inflight", EVENTS);
      Ledger.await("a third of the events delivered", DELIVER, () -> ledger.deliveredCount() >= EVENTS / 3,
          () -> "");

      first.kill();
      Instant killedAt = Instant.now();
      long before = ledger.deliveredCount();
      assertTrue(before < EVENTS, "the kill must come while deliveries are still going on: " + before
          + " of " + EVENTS + " were delivered already");
      second = recover(env, ledger, accepted, killedAt, jar -> { });

      LOG.info("crash-report scenario=in-flight store={} events={} delivered_before_kill={} restart_to_alive_ms={} "
          + "restart_to_all_delivered_ms={} kill_to_all_delivered_ms={} duplicates={} unexplained={}",
          store, EVENTS, before, second.restartToAliveMs(), second.restartToDeliveredMs(),
          Duration.between(killedAt, Instant.now()).toMillis(), second.duplicates().size(),
          second.unexplained().size());
      assertTrue(second.unexplained().isEmpty(), "delivered twice, not around the crash nor after a timeout: "
          + second.unexplained());
      assertEquals(0, second.jar().terminate(Duration.ofSeconds(45)), "SIGTERM exits 0");
    } finally {
      closeAll(first, second == null ? null : second.jar(), receiver);
    }
  }

  /**
   * SIGTERM under load: attempts in flight (a slow receiver answering 503) and retries pending. The jar
   * exits 0 within the bound after letting the attempts in flight end and recording them; after a
   * restart every event is delivered, none twice, and the store has recorded every attempt the receiver
   * saw (none sent and forgotten).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Store.class)
  void sigtermUnderLoadExitsZeroAndLosesNothing(Store store) throws Exception {
    Map<String, String> env = env(store);
    Ledger ledger = new Ledger(503);
    JarProcess first = null;
    Recovery second = null;
    Receiver receiver = null;
    try {
      receiver = Receiver.start().respond(ledger).delay(Duration.ofMillis(200));
      first = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      JarApi.createWebhook(first, TENANT, receiver.url("/hook"));
      List<String> accepted = JarApi.acceptDevices(first, TENANT, "term", EVENTS);
      Ledger.await("a third of the events attempted", DELIVER, () -> ledger.requests() >= EVENTS / 3, () -> "");

      long term = System.nanoTime();
      int exit = first.terminate(Duration.ofSeconds(45));
      long stopMs = ms(System.nanoTime() - term);
      int requestsBeforeRestart = ledger.requests();
      String firstOutput = first.output();
      assertEquals(0, exit, "SIGTERM exits 0:\n" + firstOutput);
      assertTrue(firstOutput.contains("stopped"), firstOutput);

      ledger.answer(200);
      receiver.delay(Duration.ZERO);
      second = recover(env, ledger, accepted, Instant.MIN, jar -> { });
      long recorded = JarApi.recordedAttempts(second.jar(), TENANT);

      LOG.info("crash-report scenario=sigterm store={} events={} stop_ms={} requests_before_stop={} "
          + "restart_to_all_delivered_ms={} requests_total={} attempts_recorded={} duplicates={} after_a_timeout={}",
          store, EVENTS, stopMs, requestsBeforeRestart, second.restartToDeliveredMs(), ledger.requests(), recorded,
          second.duplicates().size(), second.duplicates().size() - second.unexplained().size());
      assertTrue(second.unexplained().isEmpty(), "nothing was delivered before the stop, so nothing twice unless an "
          + "attempt timed out: " + second.unexplained());
      assertEquals(ledger.requests(), recorded,
          "every attempt the receiver saw is recorded (in-flight attempts end and are written on SIGTERM)");
      assertEquals(0, second.jar().terminate(Duration.ofSeconds(45)), "SIGTERM exits 0");
    } finally {
      closeAll(first, second == null ? null : second.jar(), receiver);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** What a jar restarted on the crashed one's store showed once every accepted event was delivered. */
  private record Recovery(JarProcess jar, long restartToAliveMs, long restartToDeliveredMs,
      Map<String, List<Ledger.Arrival>> duplicates, Map<String, List<Ledger.Arrival>> unexplained) {}

  private interface AfterStart {
    void accept(JarProcess jar) throws Exception;
  }

  /**
   * Restarts the jar on the same store, runs {@code afterStart} on it, waits until every accepted event
   * has arrived and the log shows them all delivered, and reports the duplicates no crash at {@code crash}
   * nor a timeout explains. The jar is closed if any of that fails.
   */
  private Recovery recover(Map<String, String> env, Ledger ledger, List<String> accepted, Instant crash,
      AfterStart afterStart) throws Exception {
    long restart = System.nanoTime();
    JarProcess jar = JarProcess.start(env, List.of(), dir);
    try {
      jar.awaitAlive(START);
      long alive = System.nanoTime();
      afterStart.accept(jar);
      ledger.awaitDelivered(accepted, DELIVER, () -> tail(jar));
      long done = System.nanoTime();
      awaitStates(jar, TENANT, Map.of("delivered", (long) EVENTS));
      Map<String, List<Ledger.Arrival>> duplicates = ledger.duplicates();
      return new Recovery(jar, ms(alive - restart), ms(done - restart), duplicates,
          unexplained(duplicates, jar, TENANT, crash));
    } catch (Exception | AssertionError e) {
      jar.close();
      throw e;
    }
  }

  /**
   * The duplicates that neither a crash nor a timeout explains. An event delivered {@code n} times is
   * explained when its first delivery came before {@code crash} (the outcome died with the process) or
   * when the store records at least {@code n - 1} (or {@code n - 2} after a crash) attempts that failed
   * without any response: the service gave up waiting while the receiver still took the request.
   */
  static Map<String, List<Ledger.Arrival>> unexplained(Map<String, List<Ledger.Arrival>> duplicates, JarProcess jar,
      String tenant, Instant crash) throws IOException, InterruptedException {
    Map<String, List<Ledger.Arrival>> unexplained = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, List<Ledger.Arrival>> d : duplicates.entrySet()) {
      List<Ledger.Arrival> delivered = d.getValue().stream().filter(Ledger.Arrival::delivered).toList();
      long extra = delivered.size() - 1;
      if (delivered.get(0).at().isBefore(crash)) {
        extra--;
      }
      if (extra <= 0) {
        continue;
      }
      var r = JarApi.send(jar, "GET", TestService.MANAGEMENT + "/events/" + d.getKey() + "/attempts",
          TestService.userToken(tenant), null);
      assertEquals(200, r.statusCode(), r.body());
      long noResponse = new io.vertx.core.json.JsonArray(r.body()).stream()
          .map(o -> (io.vertx.core.json.JsonObject) o)
          .filter(a -> a.getValue("status_code") == null && a.getValue("error") != null)
          .count();
      if (noResponse < extra) {
        unexplained.put(d.getKey(), d.getValue());
      }
    }
    return unexplained;
  }

  /** Waits until the events log shows exactly these state counts (outcomes are written asynchronously). */
  static void awaitStates(JarProcess jar, String tenant, Map<String, Long> expected) throws InterruptedException {
    String[] last = {""};
    Ledger.await("event states " + expected, Duration.ofSeconds(30), () -> {
      try {
        Map<String, Long> states = JarApi.states(jar, tenant);
        last[0] = states.toString();
        return states.equals(expected);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }, () -> "last seen " + last[0] + "\n" + tail(jar));
  }

  /** Occurrences of {@code text} in the jar's output so far. */
  static int count(JarProcess jar, String text) {
    String out = output(jar);
    int n = 0;
    for (int i = out.indexOf(text); i >= 0; i = out.indexOf(text, i + text.length())) {
      n++;
    }
    return n;
  }

  static String output(JarProcess jar) {
    try {
      return jar.output();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last 40 lines of the jar's output, for failure messages. */
  static String tail(JarProcess jar) {
    String[] lines = output(jar).split("\n");
    return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  static void keepLog(JarProcess jar, String name) {
    if (jar == null) {
      return;
    }
    try {
      Path logs = Files.createDirectories(Path.of("target", "jar-logs"));
      Files.writeString(logs.resolve(Instant.now().toString().replace(':', '-') + "-" + name + ".log"), jar.output());
    } catch (IOException e) {
      LOG.warn("cannot keep the jar log: {}", e.toString());
    }
  }

  static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  /**
   * Kills what is still running and stops the receiver, whatever failed before. The jars' outputs are
   * kept under {@code target/jar-logs} for diagnosis.
   */
  static void closeAll(JarProcess a, JarProcess b, Receiver receiver) throws Exception {
    try {
      keepLog(a, "first");
      keepLog(b, "second");
      if (a != null) {
        a.close();
      }
    } finally {
      try {
        if (b != null) {
          b.close();
        }
      } finally {
        if (receiver != null) {
          receiver.close();
        }
      }
    }
  }
}
