package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A scheduler driven by the test: tasks run only when {@link #advance} moves the {@link ManualClock}
 * past their due time, each at exactly its due time, in due order (ties in scheduling order).
 */
final class ManualScheduler implements Scheduler {
  private record Task(Instant due, long seq, Runnable run) {}

  private final ManualClock clock;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));
  private long seq;

  ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    tasks.add(new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task));
  }

  /** Moves the clock forward by {@code by}, running every task that falls due on the way at its due time. */
  void advance(Duration by) {
    advanceTo(clock.instant().plus(by));
  }

  void advanceTo(Instant target) {
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due().isAfter(target)) {
          break;
        }
        tasks.poll();
      }
      if (next.due().isAfter(clock.instant())) {
        clock.set(next.due());
      }
      next.run().run();
    }
    clock.set(target);
  }

  /** Runs the tasks due now (also those they schedule with no delay). */
  void runDue() {
    advance(Duration.ZERO);
  }

  synchronized int pending() {
    return tasks.size();
  }

  synchronized Optional<Instant> nextDue() {
    return Optional.ofNullable(tasks.peek()).map(Task::due);
  }
}
