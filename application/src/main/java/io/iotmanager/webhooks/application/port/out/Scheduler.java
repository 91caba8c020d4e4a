package io.iotmanager.webhooks.application.port.out;

import java.time.Duration;

/** Runs a task later, on the engine's own thread of control. */
public interface Scheduler {
  /** Runs {@code task} once after {@code delay}; never fails. */
  void schedule(Duration delay, Runnable task);
}
