package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationUseCase;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk recovery: sets pending again every failed or skipped delivery to one integration of the events
 * since a time, oldest first, due one after another at the {@link RecoveryPace}. A recovered delivery
 * keeps its attempt count: one that had used up the retry schedule gets one more attempt.
 */
public final class RecoverIntegrationService implements RecoverIntegrationUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(RecoverIntegrationService.class);
  static final String DISABLED = "integration is disabled: enable it (its skipped events are then delivered)";

  private final IntegrationRepository integrations;
  private final EventRepository events;
  private final Clock clock;
  private final RecoveryPace pace;

  public RecoverIntegrationService(IntegrationRepository integrations, EventRepository events, Clock clock,
      RecoveryPace pace) {
    this.integrations = integrations;
    this.events = events;
    this.clock = clock;
    this.pace = pace;
  }

  @Override
  public Future<Integer> recoverIntegration(RecoverIntegrationCommand command) {
    String tenant = command.tenantId();
    return GetIntegrationHealthService.find(integrations, tenant, command.integrationId()).compose(found -> {
      if (found.health().disabled()) {
        return Future.failedFuture(new ApplicationException.Conflict(DISABLED));
      }
      return events.requeue(tenant, command.integrationId(), command.since(),
          Set.of(DeliveryState.FAILED, DeliveryState.SKIPPED), clock.instant(), pace.spacing()).map(queued -> {
            LOG.info("integration_id={} tenant_id={} recovery since={} queued={} rate_per_second={}",
                command.integrationId(), tenant, command.since(), queued, pace.perSecond());
            return queued;
          });
    });
  }
}
