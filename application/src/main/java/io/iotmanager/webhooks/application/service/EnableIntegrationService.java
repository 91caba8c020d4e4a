package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationUseCase;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Enables an integration again, then queues the events skipped while it was disabled, oldest first, at
 * the {@link RecoveryPace} (the delivery engine claims each when it is due). The transition is logged
 * and counted when the integration was disabled.
 */
public final class EnableIntegrationService implements EnableIntegrationUseCase {
  private final IntegrationRepository integrations;
  private final EventRepository events;
  private final Clock clock;
  private final RecoveryPace pace;
  private final DeliveryMetrics metrics;

  public EnableIntegrationService(IntegrationRepository integrations, EventRepository events, Clock clock,
      RecoveryPace pace, DeliveryMetrics metrics) {
    this.integrations = integrations;
    this.events = events;
    this.clock = clock;
    this.pace = pace;
    this.metrics = metrics;
  }

  @Override
  public Future<Integer> enableIntegration(EnableIntegrationCommand command) {
    String tenant = command.tenantId();
    return GetIntegrationHealthService.find(integrations, tenant, command.integrationId()).compose(found -> {
      return integrations.enable(tenant, command.integrationId()).compose(enabled -> {
        if (!enabled) {
          return Future.failedFuture(new ApplicationException.NotFound(GetIntegrationService.NOT_FOUND));
        }
        Instant now = clock.instant();
        return events.requeue(tenant, command.integrationId(), Instant.EPOCH, Set.of(DeliveryState.SKIPPED), now,
            pace.spacing()).map(queued -> {
              IntegrationHealth before = found.health();
              if (before.disabled()) {
                HealthTracker.logTransition(metrics, "enabled", tenant, command.integrationId(), before.enable(),
                    queued + " skipped event(s) queued at " + pace.perSecond() + "/s");
              }
              return queued;
            });
      });
    });
  }
}
