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
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.iotmanager.webhooks.application.service.CheckHealthService;
import io.iotmanager.webhooks.application.service.ClaimDueDeliveriesService;
import io.iotmanager.webhooks.application.service.CreateIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteTenantService;
import io.iotmanager.webhooks.application.service.DeliverEventsService;
import io.iotmanager.webhooks.application.service.DeliveryLimiter;
import io.iotmanager.webhooks.application.service.DeliverySettings;
import io.iotmanager.webhooks.application.service.EnableIntegrationService;
import io.iotmanager.webhooks.application.service.GetIntegrationHealthService;
import io.iotmanager.webhooks.application.service.HealthTracker;
import io.iotmanager.webhooks.application.service.IntegrationLookup;
import io.iotmanager.webhooks.application.service.RecoverIntegrationService;
import io.iotmanager.webhooks.application.service.RecoveryPace;
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
import io.iotmanager.webhooks.domain.DisablePolicy;
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

  /**
   * How long an instance holds what it claims (at birth, by a poll) and renews. On MongoDB the lease
   * itself: it bounds how soon other instances take over a crashed instance's work. On the embedded
   * store no other process can open the data directory and a restart takes over every lease at once, so
   * work is held for {@link #EMBEDDED_HELD_LEASE}: an event attempted within that time is never renewed
   * (a renewal is one document write), one waiting longer once per that time. The cost: work this
   * process stops tracking without writing its outcome (a store that keeps failing its writes, a batch
   * of intake stored only in part) is attempted again after that time instead of after the lease.
   */
  static Duration heldLease(boolean embeddedStore, Duration lease) {
    return embeddedStore && lease.compareTo(EMBEDDED_HELD_LEASE) < 0 ? EMBEDDED_HELD_LEASE : lease;
  }

  static final Duration EMBEDDED_HELD_LEASE = Duration.ofMinutes(2);

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
      Wiring wiring = wire(vertx, config, store, metrics);
      Duration warmUp = config.engine().warmUp();
      Future<Void> warming = warmUp.isZero() ? Future.succeededFuture() : StartUpRehearsal.run(vertx, config, warmUp);
      return warming
          .compose(warm -> vertx.deployVerticle(wiring.driver())).compose(deliveryId ->
          vertx.deployVerticle(HttpApi.serverVerticle(wiring.http(), wiring.endpoints()))
              .map(httpId -> {
                LOG.info("iot-webhooks {} listening on {}:{}", Version.current(),
                    config.listenHost().isEmpty() ? "*" : config.listenHost(), config.listenPort());
                return new Service(vertx, store, httpId, deliveryId);
              }))
          .recover(err -> store.close().transform(x -> Future.failedFuture(err)));
    });
  }

  /**
   * The service's parts, built but not deployed: the engine's driver (a verticle) and the route groups
   * the HTTP server serves on {@code http}.
   */
  record Wiring(Delivery.Driver driver, List<Endpoint> endpoints, HttpSettings http) {}

  /** Builds the service's parts on {@code store}: the one place the real service and its rehearsal are wired. */
  static Wiring wire(Vertx vertx, ServiceConfig config, MongoStore store, PrometheusMetrics metrics) {
    String instanceId = UUID.randomUUID().toString();
    Clock clock = Clock.systemUTC();
    Supplier<UUID> ids = UUID::randomUUID;
    IntegrationRepository integrations = store.integrations();
    EventRepository events = store.events();
    Duration lease = config.webhooksLease();
    RetryPolicy policy = new RetryPolicy(config.webhooksRetrySchedule(), config.webhooksRetryJitter());
    EngineTuning tuning = config.engine();
    // What an instance claims (at birth, by a poll) and renews, it holds for this long: the lease on
    // MongoDB, longer on the embedded store (see heldLease).
    Duration held = heldLease(config.embeddedStore(), lease);
    DeliverySettings delivery = new DeliverySettings(instanceId, lease,
        Duration.ofSeconds(config.webhooksTimeoutSeconds()), tuning.maxConcurrent(), tuning.maxPerHost(),
        !config.domainSkipVerify(), "iot-webhooks/" + Version.current(), tuning.retryHorizon(),
        tuning.maxHeldRetries(), tuning.outcomeBatch(), tuning.outcomeFlushDelay())
        .withHeldLease(held);
    AddressResolver resolver = Webhooks.resolver(vertx);
    Scheduler scheduler = Delivery.scheduler(vertx);
    WebhookSender sender = Webhooks.sender(vertx, resolver, tuning.maxPerHost());
    HealthSettings healthSettings = config.health();
    HealthTracker health = new HealthTracker(new DisablePolicy(Optional.of(healthSettings.disableAfter()),
        healthSettings.disableOnGone()), metrics);
    RecoveryPace pace = new RecoveryPace(healthSettings.recoveryRate());
    DeliverEventsService engine = new DeliverEventsService(events,
        new IntegrationLookup(integrations, scheduler, health),
        new DeliveryLimiter(tuning.maxConcurrent(), tuning.maxPerHost()),
        new OutcomeWriter(events, scheduler, tuning.outcomeBatch(), tuning.outcomeFlushDelay(), integrations,
            health),
        sender, scheduler, clock, policy,
        () -> ThreadLocalRandom.current().nextDouble(), delivery, metrics);
    Delivery.Driver deliveryVerticle = Delivery.driver(engine,
        new ClaimDueDeliveriesService(events, engine, clock, instanceId, held),
        tuning.pollInterval(config.embeddedStore()), lease, tuning.maxBacklog(), tuning.stopTimeout());
    metrics.observeBacklog(deliveryVerticle::backlog);
    DestinationCheck destinations = new DestinationCheck(resolver, config.domainSkipVerify());
    Identities identities = Identities.from(nonBlank(config.jwtVerifyKey()));
    List<Endpoint> endpoints = List.of(
        new IntegrationRoutes(identities,
            new CreateIntegrationService(integrations, destinations, ids, config.maxIntegrationsPerTenant()),
            new ListIntegrationsService(integrations),
            new GetIntegrationService(integrations),
            new SetIntegrationCredentialsService(integrations, destinations, clock),
            new DeleteIntegrationService(integrations, deliveryVerticle),
            new GetIntegrationHealthService(integrations),
            new EnableIntegrationService(integrations, events, clock, pace, metrics),
            new RecoverIntegrationService(integrations, events, clock, pace)),
        new EventRoutes(identities,
            new ListEventsService(events),
            new GetEventService(events),
            new ListAttemptsService(events),
            new RedeliverEventService(events, integrations, deliveryVerticle)),
        new IntakeRoutes(
            new RecordDeviceEventsService(integrations, events, deliveryVerticle, clock, ids, instanceId, held,
                new IntakeAdmission(config.intake(), scheduler, System::nanoTime)),
            new DeleteTenantService(integrations, events, deliveryVerticle),
            new CheckHealthService(store.health()),
            metrics),
        metrics,
        new ConsoleRoutes(),
        new DocsRoutes());
    HttpSettings http = new HttpSettings(config.listenHost(), config.listenPort(), config.requestSizeLimit());
    return new Wiring(deliveryVerticle, endpoints, http);
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
