package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual and automatic attempts of one delivery on two instances at once (issue 12, point 3): instance B
 * holds an event and retries it every second against a failing receiver while {@code POST
 * /events/{id}/redeliver} is called on instance A right as each of B's retries arrives. Whichever
 * instance records first, the attempts stay numbered 1..n without a gap or a repeat, the event's
 * {@code attempts} is n, and n is the number of POSTs the receiver saw. Needs a real MongoDB (the
 * embedded store belongs to one process). A's attempts wait while B holds the event (see the README on
 * redelivery across instances), so they may all come after B's last retry.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedeliveryAcrossInstancesIT {
  private static final Logger LOG = LoggerFactory.getLogger(RedeliveryAcrossInstancesIT.class);
  private static final Duration START = Duration.ofSeconds(90);
  private static final String TENANT = "race";
  private static final int RETRIES = 8;

  @TempDir
  Path dir;

  @Test
  void aRedeliveryOnOneInstanceWhileTheOtherRetriesKeepsTheNumbersGaplessAndTheCounterExact() throws Exception {
    assumeTrue(TestService.realMongo(), CrashRecoveryIT.NEEDS_MONGO);
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
    env.put("IOT_MANAGER_MONGO_DBNAME", "race_" + UUID.randomUUID().toString().replace("-", ""));
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", String.join(",", IntStream.range(0, RETRIES).mapToObj(i -> "1s")
        .toList()));
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_JITTER", "0");
    JarProcess a = null;
    JarProcess b = null;
    Receiver receiver = null;
    try {
      receiver = Receiver.start().respond(r -> Receiver.Answer.status(503));
      a = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      b = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      JarApi.createWebhook(a, TENANT, receiver.url("/hook"));
      assertEquals(202, JarApi.bulkAccepted(b, TENANT, List.of("dev-1")), "B accepts, so B holds the event");
      Receiver rx = receiver;
      JarProcess ja = a;
      Ledger.await("B's first attempt", Duration.ofSeconds(30), () -> rx.received().size() >= 1,
          () -> CrashRecoveryIT.tail(ja));
      String event = rx.received().get(0).headers().get("webhook-id");

      // Each time one of B's automatic attempts arrives, A is asked for a manual one at once: A's
      // attempt and B's outcome (or B's next attempt) race.
      int redeliveries = 0;
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (redeliveries < RETRIES && System.nanoTime() < deadline) {
        int before = seen;
        JarProcess jb = b;
        Ledger.await("another POST", Duration.ofSeconds(30), () -> rx.received().size() > before,
            () -> rx.received().size() + " POSTs; A:\n" + CrashRecoveryIT.tail(ja) + "\nB:\n" + CrashRecoveryIT.tail(jb));
        seen = rx.received().size();
        HttpResponse<String> r = JarApi.send(a, "POST", TestService.MANAGEMENT + "/events/" + event + "/redeliver",
            TestService.userToken(TENANT), null);
        assertEquals(202, r.statusCode(), r.body());
        redeliveries++;
        // Not counted in advance: A's attempt waits while B holds the event (an attempt in flight, or its
        // next retry due within the attempt timeout), so it may come only after B's schedule has ended.
        // Every redelivery asked for is one POST still to come, so the next wait always ends.
      }
      // B's schedule ends (failed), every redelivery asked for has been sent, and every attempt is
      // recorded: the counter stops moving.
      JsonObject[] last = {null};
      int expected = 1 + RETRIES + redeliveries;
      Webhooks.await(Duration.ofSeconds(60), () -> "B's schedule exhausted, " + expected + " POSTs, and the "
          + "counter equal to the " + rx.received().size() + " POSTs the receiver saw; last seen " + last[0], () -> {
            if (rx.received().size() < expected) {
              return false;
            }
            last[0] = status(ja, event);
            return "failed".equals(last[0].getString("state")) && last[0].getLong("attempts") == rx.received().size();
          });
      int settled = rx.received().size();
      Webhooks.assertStays(Duration.ofSeconds(3), "no further POST", () -> rx.received().size() == settled);

      JsonObject status = status(a, event);
      HttpResponse<String> got = JarApi.send(a, "GET", TestService.MANAGEMENT + "/events/" + event + "/attempts",
          TestService.userToken(TENANT), null);
      assertEquals(200, got.statusCode(), got.body());
      JsonArray attempts = new JsonArray(got.body());
      List<Integer> numbers = new ArrayList<>();
      long manual = 0;
      for (Object o : attempts) {
        numbers.add(((JsonObject) o).getInteger("attempt"));
        if ("manual".equals(((JsonObject) o).getString("trigger"))) {
          manual++;
        }
      }
      List<Integer> sorted = numbers.stream().sorted().toList();
      LOG.info("race-report posts={} recorded={} counter={} manual={} numbers={}", receiver.received().size(),
          attempts.size(), status.getLong("attempts"), manual, numbers);
      assertEquals(IntStream.rangeClosed(1, attempts.size()).boxed().toList(), sorted,
          "attempt numbers unique and gapless: " + numbers);
      assertEquals(attempts.size(), status.getLong("attempts"), "the counter is the number of recorded attempts");
      assertEquals(receiver.received().size(), attempts.size(), "every POST is recorded");
      assertEquals(redeliveries, manual, "every redelivery was sent once");
      assertTrue(attempts.size() >= 1 + RETRIES + redeliveries, "B's whole schedule ran: " + attempts.size());
    } finally {
      CrashRecoveryIT.closeAll(a, b, receiver);
    }
  }

  private static JsonObject status(JarProcess jar, String event) throws Exception {
    HttpResponse<String> r = JarApi.send(jar, "GET", TestService.MANAGEMENT + "/events/" + event,
        TestService.userToken(TENANT), null);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("delivery_statuses").getJsonObject(0);
  }
}
