package io.iotmanager.webhooks.bootstrap;

import java.time.Duration;
import java.util.Objects;

/**
 * The delivery engine's tuning, from the {@code webhooks_max_*}, {@code webhooks_outcome_*},
 * {@code webhooks_retry_horizon}, {@code webhooks_*poll_interval}, {@code webhooks_stop_timeout} and
 * {@code webhooks_warm_up} and {@code webhooks_jit} keys
 * (defaults in {@link ConfigKeys}; docs/BENCHMARKS.md shows how they were chosen).
 *
 * @param maxConcurrent attempts in flight at once, in all
 * @param maxPerHost attempts in flight at once to one destination host
 * @param maxHeldRetries retries kept in memory, at most
 * @param maxBacklog deliveries queued in the instance, at most; beyond it work waits in the store
 * @param outcomeBatch outcomes per store write, at most
 * @param outcomeFlushDelay how long an outcome waits to share its store write
 * @param retryHorizon retries due within this are held in memory; later ones go back to the store
 * @param pollInterval the poll for due and orphaned work on MongoDB
 * @param embeddedPollInterval the same on the embedded store
 * @param stopTimeout how long attempts in flight may take to end at shutdown
 * @param warmUp how long the start-up warm-up may take ({@code webhooks_warm_up}); zero: none
 * @param jit which JIT compilers compile the service's code ({@code webhooks_jit})
 */
public record EngineTuning(int maxConcurrent, int maxPerHost, int maxHeldRetries, int maxBacklog,
    int outcomeBatch, Duration outcomeFlushDelay, Duration retryHorizon, Duration pollInterval,
    Duration embeddedPollInterval, Duration stopTimeout, Duration warmUp,
    JitMode jit) {

  public EngineTuning {
    Objects.requireNonNull(outcomeFlushDelay, "outcomeFlushDelay");
    Objects.requireNonNull(retryHorizon, "retryHorizon");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(embeddedPollInterval, "embeddedPollInterval");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
    Objects.requireNonNull(warmUp, "warmUp");
    Objects.requireNonNull(jit, "jit");
  }

  /** The poll interval for the store in use. */
  public Duration pollInterval(boolean embeddedStore) {
    return embeddedStore ? embeddedPollInterval : pollInterval;
  }
}
