package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.time.Duration;

/**
 * How the delivery engine behaves.
 *
 * @param instanceId this instance's lease owner name
 * @param lease how long a claim keeps other instances off an event
 * @param attemptTimeout the timeout of one attempt
 * @param maxConcurrent attempts in flight at once, in all
 * @param maxPerHost attempts in flight at once to one destination host
 * @param checkAddress enforce the reserved-address rule on the address dialled
 * @param userAgent the User-Agent header of webhook requests
 * @param retryHorizon retries due within this are kept in memory under the lease; later ones are
 *     released to the store and claimed when due
 * @param maxHeldRetries at most this many retries kept in memory
 * @param outcomeBatch outcomes written per store command, at most
 * @param outcomeFlushDelay how long an outcome waits for others to share its write
 */
public record DeliverySettings(String instanceId, Duration lease, Duration attemptTimeout, int maxConcurrent,
    int maxPerHost, boolean checkAddress, String userAgent, Duration retryHorizon, int maxHeldRetries,
    int outcomeBatch, Duration outcomeFlushDelay) {
  public DeliverySettings {
    if (instanceId == null || lease == null || attemptTimeout == null || userAgent == null || retryHorizon == null
        || outcomeFlushDelay == null) {
      throw new DomainValidationException("delivery settings: all fields are required");
    }
    if (maxConcurrent < 1 || maxPerHost < 1 || outcomeBatch < 1 || maxHeldRetries < 0) {
      throw new DomainValidationException("delivery settings: limits must be positive");
    }
    if (attemptTimeout.compareTo(lease) >= 0) {
      throw new DomainValidationException("delivery settings: the lease must outlast an attempt");
    }
  }
}
