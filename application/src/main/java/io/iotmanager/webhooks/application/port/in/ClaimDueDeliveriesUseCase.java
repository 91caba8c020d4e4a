package io.iotmanager.webhooks.application.port.in;

import io.vertx.core.Future;

/**
 * Claims due retries and orphaned work (leases expired, e.g. of a crashed instance) from the store and
 * starts their delivery. Succeeds with how many events were claimed; fails with StoreUnavailable.
 */
public interface ClaimDueDeliveriesUseCase {
  Future<Integer> claimDueDeliveries(ClaimDueDeliveriesCommand command);
}
