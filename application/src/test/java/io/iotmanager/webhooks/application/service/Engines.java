package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.iotmanager.webhooks.domain.RetryPolicy;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/** Wires a delivery engine for tests, with its collaborators made as bootstrap makes them. */
final class Engines {
  private Engines() {}

  static DeliverEventsService create(IntegrationRepository integrations, EventRepository events, WebhookSender sender,
      Scheduler scheduler, Clock clock, RetryPolicy policy, DoubleSupplier random, DeliverySettings settings,
      DeliveryMetrics metrics) {
    return new DeliverEventsService(events, new IntegrationLookup(integrations, scheduler),
        new DeliveryLimiter(settings.maxConcurrent(), settings.maxPerHost()),
        new OutcomeWriter(events, scheduler, settings.outcomeBatch(), settings.outcomeFlushDelay()),
        sender, scheduler, clock, policy, random, settings, metrics);
  }
}
