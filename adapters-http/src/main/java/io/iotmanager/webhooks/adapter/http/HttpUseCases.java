package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.application.port.in.CheckHealthUseCase;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteTenantUseCase;
import io.iotmanager.webhooks.application.port.in.GetEventUseCase;
import io.iotmanager.webhooks.application.port.in.GetIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.ListAttemptsUseCase;
import io.iotmanager.webhooks.application.port.in.ListEventsUseCase;
import io.iotmanager.webhooks.application.port.in.ListIntegrationsUseCase;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsUseCase;
import io.iotmanager.webhooks.application.port.in.RedeliverEventUseCase;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsUseCase;

/** The use cases the HTTP API drives. */
public record HttpUseCases(
    CreateIntegrationUseCase createIntegration,
    ListIntegrationsUseCase listIntegrations,
    GetIntegrationUseCase getIntegration,
    SetIntegrationCredentialsUseCase setIntegrationCredentials,
    DeleteIntegrationUseCase deleteIntegration,
    RecordDeviceEventsUseCase recordDeviceEvents,
    DeleteTenantUseCase deleteTenant,
    ListEventsUseCase listEvents,
    GetEventUseCase getEvent,
    CheckHealthUseCase checkHealth,
    ListAttemptsUseCase listAttempts,
    RedeliverEventUseCase redeliverEvent) {}
