package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttemptOutcomeTest {
  @ParameterizedTest
  @ValueSource(ints = {200, 201, 204, 299})
  void twoHundredsAreSuccess(int status) {
    assertTrue(AttemptOutcome.status(status).success());
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 199, 300, 404, 410, 500, 999})
  void othersAreNot(int status) {
    assertFalse(AttemptOutcome.status(status).success());
  }

  @Test
  void errorIsNotSuccess() {
    AttemptOutcome outcome = AttemptOutcome.error("timeout");
    assertFalse(outcome.success());
    assertEquals(Optional.of("timeout"), outcome.error());
    assertEquals(Optional.empty(), outcome.statusCode());
  }

  @Test
  void nullsBecomeEmpty() {
    AttemptOutcome outcome = new AttemptOutcome(Optional.of(500), null, null);
    assertEquals(Optional.empty(), outcome.retryAfter());
    assertEquals(Optional.empty(), outcome.error());
  }

  @Test
  void statusWithRetryAfter() {
    AttemptOutcome outcome = AttemptOutcome.status(429, Optional.of(Duration.ofSeconds(3)));
    assertEquals(Optional.of(429), outcome.statusCode());
    assertEquals(Optional.of(Duration.ofSeconds(3)), outcome.retryAfter());
  }

  @Test
  void invalid() {
    assertThrows(DomainValidationException.class,
        () -> new AttemptOutcome(Optional.empty(), Optional.empty(), Optional.empty()));
    assertThrows(DomainValidationException.class, () -> AttemptOutcome.status(99));
    assertThrows(DomainValidationException.class, () -> AttemptOutcome.status(1000));
    assertThrows(DomainValidationException.class,
        () -> AttemptOutcome.status(429, Optional.of(Duration.ofSeconds(-1))));
    assertThrows(DomainValidationException.class, () -> AttemptOutcome.error(""));
    assertThrows(DomainValidationException.class, () -> AttemptOutcome.error(null));
  }
}
