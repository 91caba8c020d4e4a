package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.CreateIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationUseCase;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.function.Supplier;

/** Creates an integration after checking its destination, within the tenant's limit. */
public final class CreateIntegrationService implements CreateIntegrationUseCase {
  private final IntegrationRepository integrations;
  private final DestinationCheck destinationCheck;
  private final Supplier<UUID> ids;
  private final int maxPerTenant;

  public CreateIntegrationService(IntegrationRepository integrations, DestinationCheck destinationCheck,
      Supplier<UUID> ids, int maxPerTenant) {
    this.integrations = integrations;
    this.destinationCheck = destinationCheck;
    this.ids = ids;
    this.maxPerTenant = maxPerTenant;
  }

  @Override
  public Future<Integration> createIntegration(CreateIntegrationCommand command) {
    return destinationCheck.check(command.credentials()).compose(ok -> {
      Integration integration = new Integration(ids.get(), command.tenantId(), command.provider(),
          command.credentials(), command.description(), command.scopes());
      return integrations.insert(integration, maxPerTenant).map(integration);
    });
  }
}
