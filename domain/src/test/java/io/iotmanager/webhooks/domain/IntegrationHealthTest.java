package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntegrationHealthTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void failuresCountUpFromTheFirstAndASuccessClearsThem() {
    IntegrationHealth h = IntegrationHealth.NONE.afterFailure(T0).afterFailure(T0.plusSeconds(5));
    assertEquals(2, h.consecutiveFailures());
    assertEquals(Optional.of(T0), h.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(5)), h.lastFailureAt());
    assertTrue(h.failing());
    IntegrationHealth ok = h.afterSuccess(T0.plusSeconds(9));
    assertEquals(0, ok.consecutiveFailures());
    assertEquals(Optional.empty(), ok.failingSince());
    assertEquals(Optional.of(T0.plusSeconds(9)), ok.lastSuccessAt());
    assertEquals(Optional.of(T0.plusSeconds(5)), ok.lastFailureAt());
    assertFalse(ok.failing());
    assertEquals(Optional.of(T0.plusSeconds(9)), ok.afterSuccess(T0).lastSuccessAt(), "times only move forward");
  }

  @Test
  void enablingClearsTheDisablingAndCountsAfresh() {
    IntegrationHealth disabled = IntegrationHealth.NONE.afterFailure(T0).disable(T0, "gone");
    assertTrue(disabled.disabled());
    IntegrationHealth enabled = disabled.enable();
    assertFalse(enabled.disabled());
    assertEquals(Optional.empty(), enabled.disabledReason());
    assertEquals(0, enabled.consecutiveFailures());
    assertEquals(Optional.of(T0), enabled.lastFailureAt());
    assertThrows(DomainValidationException.class, () -> new IntegrationHealth(-1, null, null, null, null, null));
  }

  @Test
  void thePolicyDisablesAfterThePeriodOfOnlyFailuresOrOnGoneWhenAsked() {
    DisablePolicy policy = new DisablePolicy(Optional.of(Duration.ofDays(5)), false);
    IntegrationHealth failing = IntegrationHealth.NONE.afterFailure(T0);
    AttemptOutcome error = AttemptOutcome.status(500);
    assertEquals(Optional.empty(), policy.reason(failing, error, T0.plus(Duration.ofDays(5)).minusMillis(1)));
    assertTrue(policy.reason(failing, error, T0.plus(Duration.ofDays(5))).orElseThrow().startsWith("only failures"));
    assertEquals(Optional.empty(), policy.reason(failing, AttemptOutcome.status(410), T0), "410 not configured");
    assertEquals(Optional.empty(), policy.reason(failing.disable(T0, "x"), error, T0.plus(Duration.ofDays(9))),
        "already disabled");
    DisablePolicy gone = new DisablePolicy(Optional.empty(), true);
    assertEquals(Optional.of("the receiver answered 410 Gone"), gone.reason(failing, AttemptOutcome.status(410), T0));
    assertEquals(Optional.empty(), gone.reason(failing, error, T0.plus(Duration.ofDays(365))));
    assertEquals(Optional.empty(), new DisablePolicy(Optional.of(Duration.ZERO), false)
        .reason(failing, error, T0.plus(Duration.ofDays(365))), "zero: never");
  }
}
