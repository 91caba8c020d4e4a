package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The state transitions of a delivery and an event's due time, defined once in the domain. */
class DeliveryStatusTransitionsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private final UUID id = UUID.randomUUID();

  @Test
  void anAutomaticAttemptFollowsTheRetryDecision() {
    DeliveryStatus pending = DeliveryStatus.pending(id, T);
    AttemptOutcome failed = AttemptOutcome.status(500);

    DeliveryStatus retry = pending.afterAutomaticAttempt(failed, new RetryDecision.RetryAt(T.plusSeconds(5)));
    assertEquals(new DeliveryStatus(id, DeliveryState.PENDING, 1, Optional.of(500),
        Optional.of("client: unexpected status code from API: 500"), Optional.of(T.plusSeconds(5))), retry);

    DeliveryStatus delivered = retry.afterAutomaticAttempt(AttemptOutcome.status(204), new RetryDecision.Delivered());
    assertEquals(new DeliveryStatus(id, DeliveryState.DELIVERED, 2, Optional.of(204), Optional.empty(),
        Optional.empty()), delivered);

    DeliveryStatus gaveUp = retry.afterAutomaticAttempt(AttemptOutcome.error("connection refused"),
        new RetryDecision.GiveUp(RetryPolicy.REASON_EXHAUSTED));
    assertEquals(new DeliveryStatus(id, DeliveryState.FAILED, 2, Optional.empty(), Optional.of("connection refused"),
        Optional.empty()), gaveUp);
  }

  @Test
  void aManualAttemptKeepsAPendingScheduleUnlessItDelivers() {
    DeliveryStatus retrying = new DeliveryStatus(id, DeliveryState.PENDING, 1, Optional.of(503), Optional.empty(),
        Optional.of(T.plusSeconds(300)));
    assertEquals(new DeliveryStatus(id, DeliveryState.PENDING, 2, Optional.of(500),
        Optional.of("client: unexpected status code from API: 500"), Optional.of(T.plusSeconds(300))),
        retrying.afterManualAttempt(AttemptOutcome.status(500)));
    assertEquals(DeliveryState.DELIVERED, retrying.afterManualAttempt(AttemptOutcome.status(200)).state());
    DeliveryStatus failed = new DeliveryStatus(id, DeliveryState.FAILED, 8, Optional.of(500), Optional.empty(),
        Optional.empty());
    assertEquals(DeliveryState.FAILED, failed.afterManualAttempt(AttemptOutcome.status(500)).state());
    assertEquals(9, failed.afterManualAttempt(AttemptOutcome.status(500)).attempts());
  }

  @Test
  void aDeletedIntegrationEndsTheDeliveryKeepingItsAttempts() {
    DeliveryStatus retrying = new DeliveryStatus(id, DeliveryState.PENDING, 3, Optional.of(503), Optional.empty(),
        Optional.of(T));
    assertEquals(new DeliveryStatus(id, DeliveryState.FAILED, 3, Optional.of(503), Optional.of("integration deleted"),
        Optional.empty()), retrying.deleted());
  }

  @Test
  void theDueTimeIsTheEarliestPendingOne() {
    DeliveryStatus later = DeliveryStatus.pending(UUID.randomUUID(), T.plusSeconds(60));
    DeliveryStatus sooner = DeliveryStatus.pending(UUID.randomUUID(), T.plusSeconds(5));
    DeliveryStatus done = new DeliveryStatus(UUID.randomUUID(), DeliveryState.DELIVERED, 1, Optional.of(200),
        Optional.empty(), Optional.empty());
    assertEquals(Optional.of(T.plusSeconds(5)), DeliveryStatus.dueAt(List.of(later, done, sooner)));
    assertEquals(Optional.empty(), DeliveryStatus.dueAt(List.of(done)));
    assertEquals(true, sooner.dueBy(T.plusSeconds(5)));
    assertEquals(false, later.dueBy(T.plusSeconds(5)));
    assertEquals(false, done.dueBy(T.plusSeconds(600)));
  }
}
