package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.HttpAdapter;
import io.iotmanager.webhooks.adapter.http.HttpSettings;
import io.iotmanager.webhooks.adapter.http.HttpUseCases;
import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.iotmanager.webhooks.adapter.mongo.MongoStoreSettings;
import io.iotmanager.webhooks.application.port.out.DeliveryQueue;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.service.CheckHealthService;
import io.iotmanager.webhooks.application.service.ClaimDueDeliveriesService;
import io.iotmanager.webhooks.application.service.DeliverEventsService;
import io.iotmanager.webhooks.application.service.DeliverySettings;
import io.iotmanager.webhooks.application.service.ListAttemptsService;
import io.iotmanager.webhooks.application.service.RedeliverEventService;
import io.iotmanager.webhooks.domain.RetryPolicy;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import io.iotmanager.webhooks.application.service.CreateIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteIntegrationService;
import io.iotmanager.webhooks.application.service.DeleteTenantService;
import io.iotmanager.webhooks.application.service.DestinationCheck;
import io.iotmanager.webhooks.application.service.GetEventService;
import io.iotmanager.webhooks.application.service.GetIntegrationService;
import io.iotmanager.webhooks.application.service.ListEventsService;
import io.iotmanager.webhooks.application.service.ListIntegrationsService;
import io.iotmanager.webhooks.application.service.RecordDeviceEventsService;
import io.iotmanager.webhooks.application.service.SetIntegrationCredentialsService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the service by hand: store, use cases, HTTP. No container. */
final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  /** The default lease ({@code webhooks_lease_seconds}); the configured one is {@link ServiceConfig#webhooksLease()}. */
  static final Duration LEASE = Duration.ofSeconds(ServiceConfig.DEFAULT_WEBHOOKS_LEASE_SECONDS);
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration EMBEDDED_POLL = Duration.ofSeconds(5);
  static final Duration RETRY_HORIZON = Duration.ofMinutes(15);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  /** How long an outcome waits for others to share its store write (see docs/BENCHMARKS.md). */
  static final Duration OUTCOME_FLUSH_DELAY = Duration.ofMillis(25);
  static final int MAX_CONCURRENT = 256;
  static final int MAX_PER_HOST = 32;
  static final int MAX_HELD_RETRIES = 50_000;
  static final int MAX_BACKLOG = 20_000;
  static final int OUTCOME_BATCH = 200;

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
        nonBlank(config.aesEncryptionFallbackKey()), Duration.ofSeconds(2));
  }

  static Future<Service> start(Vertx vertx, ServiceConfig config) {
    LOG.info("starting iot-webhooks {} with {}", Version.current(), config);
    AtomicReference<DeliverEventsService> engineRef = new AtomicReference<>();
    HttpAdapter.Metrics metrics = HttpAdapter.metrics(() -> engineRef.get() == null ? 0 : engineRef.get().backlog());
    return MongoStore.open(vertx, storeSettings(config), metrics).compose(store -> {
      LOG.info("store: {}", store.description());
      String instanceId = UUID.randomUUID().toString();
      Clock clock = Clock.systemUTC();
      Supplier<UUID> ids = UUID::randomUUID;
      IntegrationRepository integrations = store.integrations();
      EventRepository events = store.events();
      Duration lease = config.webhooksLease();
      RetryPolicy policy = new RetryPolicy(config.webhooksRetrySchedule(), config.webhooksRetryJitter());
      DeliverySettings delivery = new DeliverySettings(instanceId, lease,
          Duration.ofSeconds(config.webhooksTimeoutSeconds()), MAX_CONCURRENT, MAX_PER_HOST,
          !config.domainSkipVerify(), "iot-webhooks/" + Version.current(), RETRY_HORIZON, MAX_HELD_RETRIES,
          OUTCOME_BATCH, OUTCOME_FLUSH_DELAY);
      DeliverEventsService engine = new DeliverEventsService(integrations, events,
          HttpAdapter.webhookSender(vertx, MAX_PER_HOST), new VertxScheduler(vertx), clock, policy,
          () -> ThreadLocalRandom.current().nextDouble(), delivery, metrics);
      engineRef.set(engine);
      DeliveryVerticle deliveryVerticle = new DeliveryVerticle(engine,
          new ClaimDueDeliveriesService(events, engine, clock, instanceId, lease),
          config.embeddedStore() ? EMBEDDED_POLL : POLL, lease, MAX_BACKLOG, STOP_TIMEOUT);
      DeliveryQueue queue = deliveryVerticle;
      DestinationCheck destinations = new DestinationCheck(new BlockingAddressResolver(vertx),
          config.domainSkipVerify());
      HttpUseCases useCases = new HttpUseCases(
          new CreateIntegrationService(integrations, destinations, ids, config.maxIntegrationsPerTenant()),
          new ListIntegrationsService(integrations),
          new GetIntegrationService(integrations),
          new SetIntegrationCredentialsService(integrations, destinations),
          new DeleteIntegrationService(integrations),
          new RecordDeviceEventsService(integrations, events, queue, clock, ids, instanceId, lease),
          new DeleteTenantService(integrations, events),
          new ListEventsService(events),
          new GetEventService(events),
          new CheckHealthService(store.health()),
          new ListAttemptsService(events),
          new RedeliverEventService(events, engine));
      HttpSettings http = new HttpSettings(config.listenHost(), config.listenPort(), config.requestSizeLimit(),
          nonBlank(config.jwtVerifyKey()));
      return vertx.deployVerticle(deliveryVerticle).compose(deliveryId ->
          vertx.deployVerticle(HttpAdapter.serverVerticle(http, useCases, metrics))
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

  /** How this process reaches its store, credentials included (the embedded store's are random): for tests. */
  String storeConnectionString() {
    return store.connectionString();
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
