package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
  /** A random number that makes the jitter factor exactly 1. */
  private static final double NO_JITTER = 0.5;
  private static final double ALMOST_ONE = Math.nextDown(1.0);
  private static final AttemptOutcome SERVER_ERROR = AttemptOutcome.status(500);

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static Instant retryAt(RetryDecision decision) {
    return assertInstanceOf(RetryDecision.RetryAt.class, decision).at();
  }

  @Nested
  class ParseSchedule {
    @Test
    void defaultSchedule() {
      assertEquals(List.of(s(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
          Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)),
          RetryPolicy.parseSchedule(RetryPolicy.DEFAULT_SCHEDULE));
    }

    @Test
    void everyUnit() {
      assertEquals(List.of(Duration.ofMillis(500), s(5), Duration.ofMinutes(5), Duration.ofHours(2)),
          RetryPolicy.parseSchedule("500ms,5s,5m,2h"));
    }

    @Test
    void whitespaceAroundElementsIsIgnored() {
      assertEquals(List.of(Duration.ofMillis(500), s(5), Duration.ofMinutes(5)),
          RetryPolicy.parseSchedule("  500ms ,\t5s,\n 5m  "));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n "})
    void nullEmptyOrBlankIsTheEmptySchedule(String text) {
      assertEquals(List.of(), RetryPolicy.parseSchedule(text));
    }

    @ParameterizedTest
    @CsvSource({"0s, 0", "0ms, 0", "1ms, 1000000", "1.5s, 1500000000", "1h30m, 5400000000000",
        "2m0.5s, 120500000000", "0.0000000019s, 1", "8760h, 31536000000000000"})
    void numbersAndCompoundDurations(String text, long nanos) {
      assertEquals(List.of(Duration.ofNanos(nanos)), RetryPolicy.parseSchedule(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5          | 5",
        "5x         | 5x",
        "s          | s",
        "-5s        | -5s",
        "5 s        | 5 s",
        "5S         | 5S",
        "5d         | 5d",
        "1e3s       | 1e3s",
        ".5s        | .5s",
        "5s;5m      | 5s;5m",
        "5s,abc,5m  | abc",
        "5s,,5m     | \"\"",
        "5s,        | \"\"",
        "8761h      | 8761h",
        "99999999999999999999999h | 99999999999999999999999h"})
    void badElementsAreNamed(String text, String element) {
      DomainValidationException e = assertThrows(DomainValidationException.class,
          () -> RetryPolicy.parseSchedule(text));
      String quoted = element.startsWith("\"") ? element : "\"" + element + "\"";
      assertTrue(e.getMessage().contains(quoted), e.getMessage());
      assertTrue(e.getMessage().startsWith("retry schedule: invalid duration"), e.getMessage());
    }

    @Test
    void resultIsImmutable() {
      List<Duration> schedule = RetryPolicy.parseSchedule("5s");
      assertThrows(UnsupportedOperationException.class, () -> schedule.add(s(1)));
    }
  }

  @Nested
  class Construction {
    @Test
    void defaults() {
      RetryPolicy policy = RetryPolicy.defaults();
      assertEquals(RetryPolicy.parseSchedule("5s,5m,30m,2h,5h,10h,10h"), policy.schedule());
      assertEquals(0.2, policy.jitter());
      assertEquals(8, policy.maxAttempts());
    }

    @Test
    void fromText() {
      RetryPolicy policy = RetryPolicy.of("1s, 2s", 0.1);
      assertEquals(List.of(s(1), s(2)), policy.schedule());
      assertEquals(3, policy.maxAttempts());
      assertEquals(1, RetryPolicy.of("", 0).maxAttempts());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void jitterOutOfRange(double jitter) {
      assertThrows(DomainValidationException.class, () -> new RetryPolicy(List.of(), jitter));
    }

    @Test
    void jitterBounds() {
      assertEquals(0.0, new RetryPolicy(List.of(), 0).jitter());
      assertEquals(ALMOST_ONE, new RetryPolicy(List.of(), ALMOST_ONE).jitter());
    }

    @Test
    void badDelays() {
      assertThrows(DomainValidationException.class, () -> new RetryPolicy(null, 0));
      assertThrows(DomainValidationException.class, () -> new RetryPolicy(List.of(s(-1)), 0));
      assertThrows(DomainValidationException.class,
          () -> new RetryPolicy(List.of(RetryPolicy.MAX_DELAY.plusNanos(1)), 0));
      List<Duration> withNull = new ArrayList<>();
      withNull.add(null);
      assertThrows(DomainValidationException.class, () -> new RetryPolicy(withNull, 0));
    }

    @Test
    void scheduleIsCopied() {
      List<Duration> source = new ArrayList<>(List.of(s(1)));
      RetryPolicy policy = new RetryPolicy(source, 0);
      source.add(s(2));
      assertEquals(List.of(s(1)), policy.schedule());
      assertThrows(UnsupportedOperationException.class, () -> policy.schedule().add(s(3)));
    }
  }

  @Nested
  class Next {
    private final RetryPolicy defaults = RetryPolicy.defaults();

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsAreDelivered(int status) {
      RetryDecision decision = defaults.next(1, AttemptOutcome.status(status), NOW, NO_JITTER);
      assertInstanceOf(RetryDecision.Delivered.class, decision);
      assertEquals(DeliveryState.DELIVERED, decision.state());
    }

    @Test
    void successOnTheLastAllowedAttemptIsDelivered() {
      assertInstanceOf(RetryDecision.Delivered.class, defaults.next(8, AttemptOutcome.status(200), NOW, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 199, 300, 301, 302, 304, 400, 401, 404, 408, 429, 500, 502, 503, 504, 599})
    void otherStatusesAreRetried(int status) {
      RetryDecision decision = defaults.next(1, AttemptOutcome.status(status), NOW, NO_JITTER);
      assertEquals(NOW.plusSeconds(5), retryAt(decision));
      assertEquals(DeliveryState.PENDING, decision.state());
    }

    @Test
    void transportErrorsAreRetried() {
      assertEquals(NOW.plusSeconds(5),
          retryAt(defaults.next(1, AttemptOutcome.error("connection refused"), NOW, NO_JITTER)));
    }

    @Test
    void goneStopsAtOnce() {
      RetryDecision decision = defaults.next(1, AttemptOutcome.status(410), NOW, NO_JITTER);
      assertEquals(new RetryDecision.GiveUp("gone"), decision);
      assertEquals(DeliveryState.FAILED, decision.state());
    }

    @Test
    void goneStopsEvenWithRetryAfter() {
      assertEquals(new RetryDecision.GiveUp(RetryPolicy.REASON_GONE),
          defaults.next(3, AttemptOutcome.status(410, Optional.of(s(10))), NOW, NO_JITTER));
    }

    @Test
    void scheduleSpacingWithoutJitter() {
      List<Duration> expected = RetryPolicy.parseSchedule(RetryPolicy.DEFAULT_SCHEDULE);
      for (int attempts = 1; attempts <= expected.size(); attempts++) {
        assertEquals(NOW.plus(expected.get(attempts - 1)),
            retryAt(defaults.next(attempts, SERVER_ERROR, NOW, NO_JITTER)), "after attempt " + attempts);
      }
    }

    @Test
    void exhaustedAfterOnePlusScheduleSizeAttempts() {
      assertEquals(new RetryDecision.GiveUp("retry schedule exhausted"), defaults.next(8, SERVER_ERROR, NOW, 0));
      assertEquals(new RetryDecision.GiveUp(RetryPolicy.REASON_EXHAUSTED), defaults.next(9, SERVER_ERROR, NOW, 0));
      assertEquals(new RetryDecision.GiveUp(RetryPolicy.REASON_EXHAUSTED),
          defaults.next(8, AttemptOutcome.status(429, Optional.of(s(1))), NOW, 0));
    }

    @Test
    void emptyScheduleMeansASingleAttempt() {
      RetryPolicy single = RetryPolicy.of("", 0.2);
      assertEquals(new RetryDecision.GiveUp(RetryPolicy.REASON_EXHAUSTED), single.next(1, SERVER_ERROR, NOW, 0));
      assertEquals(new RetryDecision.GiveUp(RetryPolicy.REASON_EXHAUSTED),
          single.next(1, AttemptOutcome.error("timeout"), NOW, 0));
      assertInstanceOf(RetryDecision.Delivered.class, single.next(1, AttemptOutcome.status(204), NOW, 0));
    }

    @Test
    void lowestJitter() {
      assertEquals(NOW.plusSeconds(4), retryAt(defaults.next(1, SERVER_ERROR, NOW, 0.0)));
      assertEquals(NOW.plus(Duration.ofHours(8)), retryAt(defaults.next(7, SERVER_ERROR, NOW, 0.0)));
    }

    @Test
    void highestJitter() {
      Instant at = retryAt(defaults.next(1, SERVER_ERROR, NOW, ALMOST_ONE));
      assertFalse(at.isAfter(NOW.plusSeconds(6)), at.toString());
      assertTrue(at.isAfter(NOW.plus(Duration.ofMillis(5999))), at.toString());
    }

    @Test
    void jitterStaysWithinBoundsForManyRandoms() {
      for (int i = 0; i < 1000; i++) {
        double random = i / 1000.0;
        Duration delay = Duration.between(NOW, retryAt(defaults.next(2, SERVER_ERROR, NOW, random)));
        assertTrue(delay.compareTo(Duration.ofMinutes(4)) >= 0 && delay.compareTo(Duration.ofMinutes(6)) <= 0,
            delay + " for " + random);
      }
    }

    @Test
    void jitterIsLinearInTheRandomNumber() {
      assertEquals(NOW.plusMillis(4500), retryAt(defaults.next(1, SERVER_ERROR, NOW, 0.25)));
      assertEquals(NOW.plusMillis(5500), retryAt(defaults.next(1, SERVER_ERROR, NOW, 0.75)));
    }

    @Test
    void zeroJitterIgnoresTheRandomNumber() {
      RetryPolicy exact = RetryPolicy.of("500ms", 0);
      assertEquals(NOW.plusMillis(500), retryAt(exact.next(1, SERVER_ERROR, NOW, 0)));
      assertEquals(NOW.plusMillis(500), retryAt(exact.next(1, SERVER_ERROR, NOW, ALMOST_ONE)));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void retryAfterShorterThanTheDelayKeepsTheDelay(int status) {
      AttemptOutcome outcome = AttemptOutcome.status(status, Optional.of(s(1)));
      assertEquals(NOW.plusSeconds(4), retryAt(defaults.next(1, outcome, NOW, 0.0)));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void retryAfterLongerThanTheDelayIsHonoured(int status) {
      AttemptOutcome outcome = AttemptOutcome.status(status, Optional.of(s(8)));
      assertEquals(NOW.plusSeconds(8), retryAt(defaults.next(1, outcome, NOW, NO_JITTER)));
    }

    @Test
    void retryAfterIsCappedAtTwiceTheScheduledDelay() {
      AttemptOutcome outcome = AttemptOutcome.status(429, Optional.of(s(3600)));
      assertEquals(NOW.plusSeconds(10), retryAt(defaults.next(1, outcome, NOW, NO_JITTER)));
      assertEquals(NOW.plus(Duration.ofMinutes(10)), retryAt(defaults.next(2, outcome, NOW, NO_JITTER)));
    }

    @Test
    void retryAfterCapIsAtMostOneHour() {
      AttemptOutcome outcome = AttemptOutcome.status(503, Optional.of(Duration.ofHours(3)));
      // 30m scheduled: cap min(60m, 1h) = 1h
      assertEquals(NOW.plus(Duration.ofHours(1)), retryAt(defaults.next(3, outcome, NOW, NO_JITTER)));
      // 2h scheduled, jittered down to 1.6h: still above the 1h cap, so the jittered delay wins
      assertEquals(NOW.plus(Duration.ofMinutes(96)), retryAt(defaults.next(4, outcome, NOW, 0.0)));
    }

    @Test
    void retryAfterCapUsesTheUnjitteredDelay() {
      // 5s scheduled, jittered to 4s; Retry-After 20s capped at 2 x 5s = 10s
      AttemptOutcome outcome = AttemptOutcome.status(429, Optional.of(s(20)));
      assertEquals(NOW.plusSeconds(10), retryAt(defaults.next(1, outcome, NOW, 0.0)));
    }

    @Test
    void retryAfterOnOtherStatusesIsIgnored() {
      AttemptOutcome outcome = AttemptOutcome.status(500, Optional.of(s(8)));
      assertEquals(NOW.plusSeconds(5), retryAt(defaults.next(1, outcome, NOW, NO_JITTER)));
    }

    @Test
    void zeroRetryAfterChangesNothing() {
      AttemptOutcome outcome = AttemptOutcome.status(503, Optional.of(Duration.ZERO));
      assertEquals(NOW.plusSeconds(4), retryAt(defaults.next(1, outcome, NOW, 0.0)));
    }

    @Test
    void badArguments() {
      assertThrows(DomainValidationException.class, () -> defaults.next(0, SERVER_ERROR, NOW, 0));
      assertThrows(DomainValidationException.class, () -> defaults.next(-1, SERVER_ERROR, NOW, 0));
      assertThrows(DomainValidationException.class, () -> defaults.next(1, null, NOW, 0));
      assertThrows(DomainValidationException.class, () -> defaults.next(1, SERVER_ERROR, null, 0));
      assertThrows(DomainValidationException.class, () -> defaults.next(1, SERVER_ERROR, NOW, 1.0));
      assertThrows(DomainValidationException.class, () -> defaults.next(1, SERVER_ERROR, NOW, -0.1));
      assertThrows(DomainValidationException.class, () -> defaults.next(1, SERVER_ERROR, NOW, Double.NaN));
    }
  }

  @Nested
  class ParseRetryAfter {
    private final Instant now = Instant.parse("2015-10-21T07:27:00Z");

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "120, 120", "' 30 ', 30", "86400, 86400"})
    void deltaSeconds(String value, long seconds) {
      assertEquals(Optional.of(s(seconds)), RetryPolicy.parseRetryAfter(value, now));
    }

    @Test
    void hugeDeltaSecondsSaturate() {
      assertEquals(Optional.of(Duration.ofSeconds(Long.MAX_VALUE)),
          RetryPolicy.parseRetryAfter("123456789012345678901234567890", now));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT",
        "Wed Oct 21 07:28:00 2015"})
    void httpDateInEveryForm(String value) {
      assertEquals(Optional.of(s(60)), RetryPolicy.parseRetryAfter(value, now));
    }

    @Test
    void asctimeWithASingleDigitDay() {
      Instant earlier = Instant.parse("1994-11-06T08:49:00Z");
      assertEquals(Optional.of(s(37)), RetryPolicy.parseRetryAfter("Sun Nov  6 08:49:37 1994", earlier));
      assertEquals(Optional.of(s(37)), RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", earlier));
    }

    @Test
    void dateInThePastIsZero() {
      assertEquals(Optional.of(Duration.ZERO), RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:26:00 GMT", now));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "soon", "-5", "1.5", "5s", "+5", "Wed, 21 Oct 2015", "2015-10-21T07:28:00Z"})
    void unparseableIsEmpty(String value) {
      assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter(value, now));
    }

    @Test
    void nullNowIsEmpty() {
      assertEquals(Optional.empty(), RetryPolicy.parseRetryAfter("5", null));
    }

    @Test
    void parsedValueFeedsThePolicy() {
      Optional<Duration> retryAfter = RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:07 GMT", now);
      RetryDecision decision = RetryPolicy.defaults().next(1, AttemptOutcome.status(503, retryAfter), now, 0.0);
      assertEquals(now.plusSeconds(7), retryAt(decision));
    }
  }
}
