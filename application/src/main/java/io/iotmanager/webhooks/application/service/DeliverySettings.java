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
 * @param heldLease how far a renewal extends the lease of work waiting in this instance: the lease itself
 *     on a store other instances share (it bounds how soon they take over a crashed instance's work);
 *     longer on a store only this process can open, where nobody else can take it over and a restart
 *     takes over at once, so that work waiting in memory is renewed once instead of every third of a lease
 */
public record DeliverySettings(String instanceId, Duration lease, Duration attemptTimeout, int maxConcurrent,
    int maxPerHost, boolean checkAddress, String userAgent, Duration retryHorizon, int maxHeldRetries,
    int outcomeBatch, Duration outcomeFlushDelay, Duration heldLease) {
  public DeliverySettings {
    if (instanceId == null || lease == null || attemptTimeout == null || userAgent == null || retryHorizon == null
        || outcomeFlushDelay == null || heldLease == null) {
      throw new DomainValidationException("delivery settings: all fields are required");
    }
    if (heldLease.compareTo(lease) < 0) {
      throw new DomainValidationException("delivery settings: the held lease must be at least the lease");
    }
    if (maxConcurrent < 1 || maxPerHost < 1 || outcomeBatch < 1 || maxHeldRetries < 0) {
      throw new DomainValidationException("delivery settings: limits must be positive");
    }
    if (attemptTimeout.compareTo(lease) >= 0) {
      throw new DomainValidationException("delivery settings: the lease must outlast an attempt");
    }
  }

  /** Renewals extend leases by {@code lease} (a store shared by instances). */
  public DeliverySettings(String instanceId, Duration lease, Duration attemptTimeout, int maxConcurrent,
      int maxPerHost, boolean checkAddress, String userAgent, Duration retryHorizon, int maxHeldRetries,
      int outcomeBatch, Duration outcomeFlushDelay) {
    this(instanceId, lease, attemptTimeout, maxConcurrent, maxPerHost, checkAddress, userAgent, retryHorizon,
        maxHeldRetries, outcomeBatch, outcomeFlushDelay, lease);
  }

  /** The same settings with renewals extending leases by {@code heldLease}. */
  public DeliverySettings withHeldLease(Duration heldLease) {
    return new DeliverySettings(instanceId, lease, attemptTimeout, maxConcurrent, maxPerHost, checkAddress,
        userAgent, retryHorizon, maxHeldRetries, outcomeBatch, outcomeFlushDelay, heldLease);
  }
}
