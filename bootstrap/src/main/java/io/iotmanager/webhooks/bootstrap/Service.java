package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.adapter.http.console.ConsoleRoutes;
import io.iotmanager.webhooks.adapter.http.delivery.Delivery;
import io.iotmanager.webhooks.adapter.http.docs.DocsRoutes;
import io.iotmanager.webhooks.adapter.http.intake.IntakeRoutes;
import io.iotmanager.webhooks.adapter.http.management.EventRoutes;
import io.iotmanager.webhooks.adapter.http.management.IntegrationRoutes;
import io.iotmanager.webhooks.adapter.http.metrics.PrometheusMetrics;
import io.iotmanager.webhooks.adapter.http.server.HttpApi;
import io.iotmanager.webhooks.adapter.http.server.HttpSettings;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.webhook.Webhooks;
import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.iotmanager.webhooks.adapter.mongo.MongoStoreSettings;
import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.application.service.CheckHealthService;
import io.iotmanager.webhooks.application.service.ClaimDueDeliveriesService;
import io.iotmanager.webhooks.application.service.CreateIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteTenantService;
import io.iotmanager.webhooks.application.service.DeliverEventsService;
import io.iotmanager.webhooks.application.service.DeliveryLimiter;
import io.iotmanager.webhooks.application.service.DeliverySettings;
import io.iotmanager.webhooks.application.service.IntegrationLookup;
import io.iotmanager.webhooks.application.service.OutcomeWriter;
import io.iotmanager.webhooks.application.service.DestinationCheck;
import io.iotmanager.webhooks.application.service.GetEventService;
import io.iotmanager.webhooks.application.service.GetIntegrationService;
import io.iotmanager.webhooks.application.service.ListAttemptsService;
import io.iotmanager.webhooks.application.service.ListEventsService;
import io.iotmanager.webhooks.application.service.ListIntegrationsService;
import io.iotmanager.webhooks.application.service.IntakeAdmission;
import io.iotmanager.webhooks.application.service.RecordDeviceEventsService;
import io.iotmanager.webhooks.application.service.RedeliverEventService;
import io.iotmanager.webhooks.application.service.SetIntegrationCredentialsService;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the service by hand: store, use cases, HTTP. No container. */
final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  private final Vertx vertx;
  private final MongoStore store;
  private final String httpDeployment;
  private final String deliveryDeployment;

  private Service(Vertx vertx, MongoStore store, String httpDeployment, String deliveryDeployment) {
    this.vertx = vertx;
    this.store = store;
    this.httpDeployment = httpDeployment;
    this.deliveryDeployment = deliveryDeployment;
  }

  static MongoStoreSettings storeSettings(ServiceConfig config) {
    return new MongoStoreSettings(config.mongoUrl(), config.mongoDbName(), config.dataDir(),
        config.eventExpTimeoutSeconds(), nonBlank(config.aesEncryptionKey()),
        nonBlank(config.aesEncryptionFallbackKey()), Duration.ofSeconds(2), config.maxIntegrationsPerTenant());
  }

  static Future<Service> start(Vertx vertx, ServiceConfig config) {
    LOG.info("starting iot-webhooks {} with {}", Version.current(), config);
    PrometheusMetrics metrics = new PrometheusMetrics();
    return MongoStore.open(vertx, storeSettings(config), metrics).compose(store -> {
      LOG.info("store: {}", store.description());
      String instanceId = UUID.randomUUID().toString();
      Clock clock = Clock.systemUTC();
      Supplier<UUID> ids = UUID::randomUUID;
      IntegrationRepository integrations = store.integrations();
      EventRepository events = store.events();
      Duration lease = config.webhooksLease();
      RetryPolicy policy = new RetryPolicy(config.webhooksRetrySchedule(), config.webhooksRetryJitter());
      EngineTuning tuning = config.engine();
      DeliverySettings delivery = new DeliverySettings(instanceId, lease,
          Duration.ofSeconds(config.webhooksTimeoutSeconds()), tuning.maxConcurrent(), tuning.maxPerHost(),
          !config.domainSkipVerify(), "iot-webhooks/" + Version.current(), tuning.retryHorizon(),
          tuning.maxHeldRetries(), tuning.outcomeBatch(), tuning.outcomeFlushDelay());
      AddressResolver resolver = Webhooks.resolver(vertx);
      Scheduler scheduler = Delivery.scheduler(vertx);
      DeliverEventsService engine = new DeliverEventsService(events,
          new IntegrationLookup(integrations, scheduler),
          new DeliveryLimiter(tuning.maxConcurrent(), tuning.maxPerHost()),
          new OutcomeWriter(events, scheduler, tuning.outcomeBatch(), tuning.outcomeFlushDelay()),
          Webhooks.sender(vertx, resolver, tuning.maxPerHost()), scheduler, clock, policy,
          () -> ThreadLocalRandom.current().nextDouble(), delivery, metrics);
      Delivery.Driver deliveryVerticle = Delivery.driver(engine,
          new ClaimDueDeliveriesService(events, engine, clock, instanceId, lease),
          tuning.pollInterval(config.embeddedStore()), lease, tuning.maxBacklog(), tuning.stopTimeout());
      metrics.observeBacklog(deliveryVerticle::backlog);
      DestinationCheck destinations = new DestinationCheck(resolver, config.domainSkipVerify());
      Identities identities = Identities.from(nonBlank(config.jwtVerifyKey()));
      List<Endpoint> endpoints = List.of(
          new IntegrationRoutes(identities,
              new CreateIntegrationService(integrations, destinations, ids, config.maxIntegrationsPerTenant()),
              new ListIntegrationsService(integrations),
              new GetIntegrationService(integrations),
              new SetIntegrationCredentialsService(integrations, destinations),
              new DeleteIntegrationService(integrations)),
          new EventRoutes(identities,
              new ListEventsService(events),
              new GetEventService(events),
              new ListAttemptsService(events),
              new RedeliverEventService(events, integrations, deliveryVerticle)),
          new IntakeRoutes(
              new RecordDeviceEventsService(integrations, events, deliveryVerticle, clock, ids, instanceId, lease,
                  new IntakeAdmission(config.intake(), Delivery.scheduler(vertx), System::nanoTime)),
              new DeleteTenantService(integrations, events),
              new CheckHealthService(store.health()),
              metrics),
          metrics,
          new ConsoleRoutes(),
          new DocsRoutes());
      HttpSettings http = new HttpSettings(config.listenHost(), config.listenPort(), config.requestSizeLimit());
      return vertx.deployVerticle(deliveryVerticle).compose(deliveryId ->
          vertx.deployVerticle(HttpApi.serverVerticle(http, endpoints))
              .map(httpId -> {
                LOG.info("iot-webhooks {} listening on {}:{}", Version.current(),
                    config.listenHost().isEmpty() ? "*" : config.listenHost(), config.listenPort());
                return new Service(vertx, store, httpId, deliveryId);
              }))
          .recover(err -> store.close().transform(x -> Future.failedFuture(err)));
    });
  }

  /** What the store is (server, address without credentials, database), as logged at start-up. */
  String storeDescription() {
    return store.description();
  }

  /**
   * Stops listening and lets in-flight requests finish, then lets attempts in flight end (bounded) and
   * writes their outcomes, then closes the store. Pending work stays in the store.
   */
  Future<Void> stop() {
    return vertx.undeploy(httpDeployment)
        .recover(err -> Future.succeededFuture())
        .compose(v -> vertx.undeploy(deliveryDeployment))
        .recover(err -> Future.succeededFuture())
        .compose(v -> store.close());
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
