package io.iotmanager.webhooks.application.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it. */
final class ManualClock extends Clock {
  private Instant now;

  ManualClock(Instant start) {
    this.now = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  synchronized void set(Instant instant) {
    if (instant.isBefore(now)) {
      throw new AssertionError("a clock does not go back: " + instant + " < " + now);
    }
    now = instant;
  }

  void advance(Duration by) {
    set(instant().plus(by));
  }
}
