package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryDecisionTest {
  @Test
  void statesMatchTheDecision() {
    assertEquals(DeliveryState.DELIVERED, new RetryDecision.Delivered().state());
    assertEquals(DeliveryState.PENDING, new RetryDecision.RetryAt(Instant.EPOCH).state());
    assertEquals(DeliveryState.FAILED, new RetryDecision.GiveUp("gone").state());
  }

  @Test
  void invalid() {
    assertThrows(DomainValidationException.class, () -> new RetryDecision.RetryAt(null));
    assertThrows(DomainValidationException.class, () -> new RetryDecision.GiveUp(null));
    assertThrows(DomainValidationException.class, () -> new RetryDecision.GiveUp(" "));
  }
}
