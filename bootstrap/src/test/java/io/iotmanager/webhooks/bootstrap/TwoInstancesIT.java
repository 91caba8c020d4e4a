package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.awaitStates;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.count;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.ms;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.output;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.tail;
import static io.iotmanager.webhooks.bootstrap.CrashRecoveryIT.unexplained;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out (issue 5): two fat jars on one MongoDB database share the work, each delivery claimed by one
 * of them, and when one is killed the other takes over its orphaned work once the lease expires. Needs a
 * real MongoDB (the embedded store belongs to one process).
 */
class TwoInstancesIT {
  private static final Logger LOG = LoggerFactory.getLogger(TwoInstancesIT.class);
  private static final String TENANT = "scale";
  private static final int SHARED = 2_000;
  private static final int ORPHANED = 500;
  private static final int LEASE_SECONDS = 10;
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration DELIVER = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @Test
  void twoInstancesShareTheWorkAndOneFinishesWhatTheOtherLeftWhenKilled() throws Exception {
    assumeTrue(TestService.realMongo(), CrashRecoveryIT.NEEDS_MONGO);
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
    env.put("IOT_MANAGER_MONGO_DBNAME", "scale_" + UUID.randomUUID().toString().replace("-", ""));
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    env.put("IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", Integer.toString(CrashRecoveryIT.TIMEOUT_SECONDS));
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", CrashRecoveryIT.SCHEDULE);
    Ledger ledger = new Ledger(200);
    JarProcess a = null;
    JarProcess b = null;
    Receiver receiver = null;
    try {
      receiver = Receiver.start().respond(ledger).delay(Duration.ofMillis(5));
      a = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      b = JarProcess.start(env, List.of(), dir).awaitAlive(START);
      JarApi.createWebhook(a, TENANT, receiver.url("/hook"));

      // 1. Both take intake, alternately; every event arrives once, and both delivered.
      long start = System.nanoTime();
      List<String> shared = new ArrayList<>();
      for (int call = 0; call < SHARED / 100; call++) {
        JarProcess target = call % 2 == 0 ? a : b;
        shared.addAll(JarApi.acceptDevices(target, TENANT, "shared" + call, 100));
      }
      long accepted = System.nanoTime();
      JarProcess ja = a;
      JarProcess jb = b;
      ledger.awaitDelivered(shared, DELIVER, () -> "A:\n" + tail(ja) + "\nB:\n" + tail(jb));
      long delivered = System.nanoTime();
      awaitStates(a, TENANT, Map.of("delivered", (long) SHARED));
      int byA = count(a, " state=delivered");
      int byB = count(b, " state=delivered");
      Map<String, List<Ledger.Arrival>> duplicates = ledger.duplicates();
      Map<String, List<Ledger.Arrival>> unexplained = unexplained(duplicates, a, TENANT, Instant.MIN);
      LOG.info("crash-report scenario=two-instances-shared events={} intake_ms={} intake_to_all_delivered_ms={} "
          + "delivered_by_a={} delivered_by_b={} requests={} duplicates={} after_a_timeout={}", SHARED,
          ms(accepted - start), ms(delivered - accepted), byA, byB, ledger.requests(), duplicates.size(),
          duplicates.size() - unexplained.size());
      assertTrue(byA > 0 && byB > 0, "both instances deliver: A " + byA + ", B " + byB);
      assertTrue(unexplained.isEmpty(), "each delivery is claimed by one instance: " + unexplained);

      // 2. A takes a batch while the receiver fails, and is killed: B claims A's orphaned work once A's
      //    leases expire, and delivers all of it.
      ledger.answer(503);
      List<String> orphaned = JarApi.acceptDevices(a, TENANT, "orphan", ORPHANED);
      Ledger.await("A attempting half of its batch", DELIVER, () -> attemptedDevices(ledger, "orphan-") >= ORPHANED / 2,
          () -> tail(ja));
      a.kill();
      Instant killedAt = Instant.now();
      long kill = System.nanoTime();
      int attemptedByA = attemptedDevices(ledger, "orphan-");
      ledger.answer(200);
      ledger.awaitDelivered(orphaned, DELIVER, () -> tail(jb));
      long takenOver = System.nanoTime();
      awaitStates(b, TENANT, Map.of("delivered", (long) SHARED + ORPHANED));

      Set<String> orphanIds = ledger.arrivals().stream().filter(x -> x.deviceId().startsWith("orphan-"))
          .map(Ledger.Arrival::webhookId).collect(Collectors.toSet());
      String outB = output(b);
      long deliveredByB = orphanIds.stream()
          .filter(id -> outB.lines().anyMatch(l -> l.contains("event_id=" + id) && l.contains(" state=delivered")))
          .count();
      Map<String, List<Ledger.Arrival>> all = ledger.duplicates();
      all.keySet().removeAll(duplicates.keySet());
      Map<String, List<Ledger.Arrival>> unexplainedAfterKill = unexplained(all, b, TENANT, killedAt);
      LOG.info("crash-report scenario=two-instances-kill events={} attempted_by_a_before_kill={} "
          + "kill_to_all_delivered_ms={} delivered_by_b={} duplicates={} after_a_timeout={}", ORPHANED,
          attemptedByA, ms(takenOver - kill), deliveredByB, all.size(), all.size() - unexplainedAfterKill.size());
      assertEquals(ORPHANED, deliveredByB, "B delivered every event A had accepted");
      assertTrue(unexplainedAfterKill.isEmpty(), "A delivered nothing of its batch, so nothing twice unless an "
          + "attempt timed out: " + unexplainedAfterKill);
      assertEquals(0, b.terminate(Duration.ofSeconds(45)), "SIGTERM exits 0");
    } finally {
      CrashRecoveryIT.closeAll(a, b, receiver);
    }
  }

  /** Devices with this prefix that reached the receiver at least once (whatever the answer). */
  private static int attemptedDevices(Ledger ledger, String prefix) {
    return (int) ledger.arrivals().stream().map(Ledger.Arrival::deviceId).filter(d -> d.startsWith(prefix))
        .distinct().count();
  }
}
