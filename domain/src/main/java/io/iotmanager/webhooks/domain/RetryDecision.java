package io.iotmanager.webhooks.domain;

import java.time.Instant;

/** What to do after an attempt: done, try again at a given time, or stop for good. */
public sealed interface RetryDecision permits RetryDecision.Delivered, RetryDecision.RetryAt, RetryDecision.GiveUp {

  /** The delivery state this decision leaves the delivery in. */
  DeliveryState state();

  /** The receiver answered 2xx. */
  record Delivered() implements RetryDecision {
    @Override
    public DeliveryState state() {
      return DeliveryState.DELIVERED;
    }
  }

  /** Attempt again at {@code at}. */
  record RetryAt(Instant at) implements RetryDecision {
    public RetryAt {
      if (at == null) {
        throw new DomainValidationException("retry decision: time is required");
      }
    }

    @Override
    public DeliveryState state() {
      return DeliveryState.PENDING;
    }
  }

  /** No more automatic attempts, for {@code reason} (e.g. {@code gone}, {@code retry schedule exhausted}). */
  record GiveUp(String reason) implements RetryDecision {
    public GiveUp {
      if (reason == null || reason.isBlank()) {
        throw new DomainValidationException("retry decision: reason is required");
      }
    }

    @Override
    public DeliveryState state() {
      return DeliveryState.FAILED;
    }
  }
}
