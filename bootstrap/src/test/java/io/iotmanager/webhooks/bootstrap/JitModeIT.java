package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code webhooks_jit} on the fat jar as operators run it: with the JVM's own compilation policy (the
 * other tests start the jar with {@code -XX:TieredStopAtLevel=1}, which would hide what this tests). The
 * compiled code is read from the process itself ({@code jcmd <pid> Compiler.codelist}: compile id, tier,
 * state, method) while events flow through it to a receiver: with {@code quick}, the methods
 * of the service and of the libraries on its hot path are compiled at tier 1 (C1) and never at tier 4
 * (C2); with the default, {@code tiered}, C2 takes some of them.
 */
class JitModeIT {
  /** A line of {@code Compiler.codelist}: {@code <id> <tier> <state> <class>.<method>(<signature>) ...}. */
  private static final Pattern CODE = Pattern.compile("(?m)^\\d+ (\\d) \\d+ ([\\w.$]+)\\.[\\w$<>]+\\(");
  /** The packages of the hot path: the service, Vert.x, Netty, the MongoDB driver, BSON, the embedded store. */
  private static final Pattern HOT_PATH = Pattern.compile("^(io\\.iotmanager|io\\.vertx|io\\.netty|com\\.mongodb|"
      + "org\\.bson|de\\.bwaldvogel|org\\.h2)\\..*");

  @TempDir
  Path dir;

  @Test
  @Timeout(300)
  void quickCompilesTheHotPathWithC1AndNeverWithC2() throws Exception {
    try (Receiver receiver = Receiver.start(); JarProcess jar = start(Map.of("IOT_MANAGER_WEBHOOKS_JIT", "quick"))) {
      assertTrue(jar.output().contains("JIT compilers: quick: C1 only"), jar.output());
      String tenant = "jit-quick";
      JarApi.createWebhook(jar, tenant, receiver.url("/hook"));
      // enough for the JVM's default tiered policy to send many of these methods to C2: see the test below
      for (int round = 0; round < 10; round++) {
        JarApi.acceptDevices(jar, tenant, "d" + round, 500);
      }
      Awaitility.await("events delivered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> receiver.received().size() >= 5_000);
      Map<Integer, Integer> tiers = hotPathMethodsByTier(jar);
      System.out.println("quick: hot-path methods by tier after 5,000 events: " + tiers);
      assertTrue(tiers.getOrDefault(1, 0) > 500, "the hot path is compiled by C1 without profiling: " + tiers);
      assertEquals(0, tiers.getOrDefault(4, 0), "no method of the hot path compiled by C2: " + tiers);
    }
  }

  @Test
  @Timeout(300)
  void tieredByDefaultLetsC2TakeTheHotPath() throws Exception {
    try (Receiver receiver = Receiver.start(); JarProcess jar = start(Map.of())) {
      assertTrue(jar.output().contains("JIT compilers: tiered: C1, then C2"), jar.output());
      String tenant = "jit-tiered";
      JarApi.createWebhook(jar, tenant, receiver.url("/hook"));
      int[] round = {0};
      Awaitility.await("a method of the hot path compiled by C2").atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            JarApi.acceptDevices(jar, tenant, "d" + round[0]++, 500);
            Map<Integer, Integer> tiers = hotPathMethodsByTier(jar);
            System.out.println("tiered: hot-path methods by tier after " + 500 * round[0] + " events: " + tiers);
            return tiers.getOrDefault(4, 0) > 0;
          });
    }
  }

  private JarProcess start(Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    int port = JarProcess.freePort();
    env.put("IOT_MANAGER_LISTEN", "127.0.0.1:" + port);
    // the JVM's own compilation policy, as `java -jar` runs it; heap and collector as for the other test jars
    return JarProcess.launch(env, List.of(), dir, port, List.of("-Xmx256m", "-XX:+UseSerialGC"))
        .awaitAlive(Duration.ofSeconds(60));
  }

  /** How many methods of the hot path the process has compiled, by tier (1 to 4). */
  private static Map<Integer, Integer> hotPathMethodsByTier(JarProcess jar) throws IOException,
      InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(jar.pid()), "Compiler.codelist").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS), "jcmd ended");
    assertEquals(0, jcmd.exitValue(), out);
    Map<Integer, Integer> tiers = new HashMap<>();
    Matcher m = CODE.matcher(out);
    while (m.find()) {
      if (HOT_PATH.matcher(m.group(2)).matches()) {
        tiers.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
      }
    }
    assertTrue(!tiers.isEmpty(), "jcmd listed compiled methods of the hot path:\n" + out);
    return tiers;
  }
}
