package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompilerSettleTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void noTimeMeansNoWait() throws Exception {
    assertEquals(0L, CompilerSettle.await(vertx, Duration.ZERO).await(5, TimeUnit.SECONDS));
  }

  @Test
  void itWaitsAtLeastOneWindowAndNeverMuchPastItsBound() throws Exception {
    // However busy the compilers are, it ends by its bound (a tick of slack); it cannot call them
    // settled before it has seen a whole window.
    long waited = CompilerSettle.await(vertx, Duration.ofMillis(600)).await(10, TimeUnit.SECONDS);
    assertTrue(waited >= CompilerSettle.TICK_MS * CompilerSettle.WINDOW_TICKS - 5
        || !java.lang.management.ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported(),
        "waited " + waited + " ms");
    assertTrue(waited < 600 + 5 * CompilerSettle.TICK_MS, "waited " + waited + " ms, bound 600 ms");
  }
}
