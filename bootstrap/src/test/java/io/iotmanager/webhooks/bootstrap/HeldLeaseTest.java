package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a renewal holds waiting work, by store. */
class HeldLeaseTest {
  @Test
  void onMongoDbARenewalRunsOneLeaseSoACrashedInstancesWorkIsTakenOverSoon() {
    assertEquals(Duration.ofSeconds(12), Service.heldLease(false, Duration.ofSeconds(12)));
  }

  @Test
  void onTheEmbeddedStoreARenewalHoldsWaitingWorkForMinutes() {
    assertEquals(Duration.ofMinutes(2), Service.heldLease(true, Duration.ofSeconds(12)));
    assertEquals(Duration.ofMinutes(5), Service.heldLease(true, Duration.ofMinutes(5)), "never shorter than the lease");
  }
}
