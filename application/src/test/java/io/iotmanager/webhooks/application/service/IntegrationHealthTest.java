package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.AttemptOutcome;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DisablePolicy;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Health per integration, opt-in disabling, enabling and bulk recovery, over the real engine with
 * in-memory ports, a manual clock and scheduler, and a scripted sender. Jitter is 0: due times are exact.
 */
class IntegrationHealthTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String TENANT = "tenant-1";
  private static final String INSTANCE = "instance-1";
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration FLUSH = Duration.ofMillis(5);
  private static final String HOST = "hooks.example.com";

  private final ManualClock clock = new ManualClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeWebhookSender sender = new FakeWebhookSender(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
  private final Map<String, Integer> transitions = new HashMap<>();
  private final Map<UUID, IntegrationHealth> gauges = new HashMap<>();
  private final DeliveryMetrics metrics = new DeliveryMetrics() {
    @Override
    public void attempted(String outcome, long durationMs) {}

    @Override
    public void accepted(int count) {}

    @Override
    public void integrationHealth(String tenantId, UUID integrationId, IntegrationHealth health) {
      gauges.put(integrationId, health);
    }

    @Override
    public void integrationRemoved(String tenantId, UUID integrationId) {
      gauges.remove(integrationId);
      removed.add(integrationId);
    }

    @Override
    public void healthTransition(String transition) {
      transitions.merge(transition, 1, Integer::sum);
    }
  };
  private final List<UUID> removed = new ArrayList<>();
  private final Integration integration = new Integration(UUID.randomUUID(), TENANT, Provider.WEBHOOK,
      Credentials.http(new HttpCredentials(URI.create("https://" + HOST + "/hook"), Optional.empty())), "");
  private DeliverEventsService engine;
  private RecordDeviceEventsService intake;

  private void start(String schedule, DisablePolicy policy) {
    integrations.put(integration);
    HealthTracker tracker = new HealthTracker(policy, metrics);
    DeliverySettings settings = new DeliverySettings(INSTANCE, LEASE, Duration.ofSeconds(10), 64, 8, false,
        "iot-webhooks/test", Duration.ofMinutes(15), 1000, 200, FLUSH);
    engine = new DeliverEventsService(events, new IntegrationLookup(integrations, scheduler, tracker),
        new DeliveryLimiter(64, 8), new OutcomeWriter(events, scheduler, 200, FLUSH, integrations, tracker),
        sender, scheduler, clock, RetryPolicy.of(schedule, 0), () -> 0.5, settings, metrics);
    intake = new RecordDeviceEventsService(integrations, events,
        records -> engine.deliverEvents(DeliverEventsCommand.auto(records)), clock, UUID::randomUUID, INSTANCE,
        LEASE);
  }

  /** An event through intake, as a device change arrives; its first attempt (if any) is sent at once. */
  private UUID arrive(String device) {
    int before = events.inserts().size();
    Future<Integer> stored = intake.recordDeviceEvents(new RecordDeviceEventsCommand(TENANT,
        EventType.DEVICE_DECOMMISSIONED, List.of(new DeviceEventData(device,
            new JsonText("{\"id\":\"" + device + "\"}")))));
    assertEquals(1, stored.result());
    scheduler.advance(FLUSH);
    return events.inserts().get(before).records().get(0).event().id();
  }

  /** One poll of the store, as the delivery verticle does, then the outcome writer's flush. */
  private int poll() {
    int claimed = new ClaimDueDeliveriesService(events, engine, clock, INSTANCE, LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(100)).result();
    scheduler.advance(FLUSH);
    return claimed;
  }

  private IntegrationHealth stored() {
    return integrations.health(integration.id());
  }

  private List<String> devicesSent() {
    List<String> devices = new ArrayList<>();
    sender.sent().forEach(s -> devices.add(new String(s.request().body()).replaceAll(".*\"data\":\\{\"id\":\"([^\"]+)\".*", "$1")));
    return devices;
  }

  @Test
  void healthAfterARunOfFailuresAndAfterASuccess() {
    start("1m,1m,1m", DisablePolicy.NEVER);
    sender.answer(HOST, FakeWebhookSender.status(500), FakeWebhookSender.status(503), FakeWebhookSender.status(200));
    arrive("dev-1");
    scheduler.advance(Duration.ofMinutes(1)); // the retry held in memory
    scheduler.advance(FLUSH);

    IntegrationHealth failing = stored();
    assertEquals(2, failing.consecutiveFailures());
    assertEquals(Optional.of(T0), failing.failingSince());
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(1))), failing.lastFailureAt());
    assertEquals(Optional.empty(), failing.lastSuccessAt());
    assertFalse(failing.disabled());
    assertEquals(Map.of("failing", 1), transitions);

    scheduler.advance(Duration.ofMinutes(1));
    scheduler.advance(FLUSH);
    IntegrationHealth recovered = stored();
    assertEquals(0, recovered.consecutiveFailures());
    assertEquals(Optional.empty(), recovered.failingSince());
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(2))), recovered.lastSuccessAt());
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(1))), recovered.lastFailureAt());
    assertEquals(Map.of("failing", 1, "recovered", 1), transitions);
    assertEquals(recovered, gauges.get(integration.id()), "the metrics show what the store has");
    // one health write per outcome batch, never one per attempt
    assertEquals(3, sender.sent().size());
    assertTrue(integrations.healthWrites().size() <= events.outcomeWrites().size());
  }

  private static Integration otherWebhook(String tenant) {
    return new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://other.example.com/hook"), Optional.empty())), "");
  }

  @Test
  void aDeletedIntegrationIsForgottenOnceItsHealthIsWrittenAndItsGaugesEnd() {
    start("1m", DisablePolicy.NEVER);
    Integration other = otherWebhook(TENANT);
    integrations.put(other);
    sender.answer(HOST, FakeWebhookSender.status(500));
    sender.answer("other.example.com", FakeWebhookSender.status(200));
    arrive("dev-1");
    assertEquals(1, gauges.get(integration.id()).consecutiveFailures());
    assertTrue(gauges.containsKey(other.id()));

    // deleted (here or on another instance): the next read of the tenant's integrations no longer has it
    integrations.remove(integration.id());
    assertTrue(engine.integrationsChanged(TENANT).succeeded());
    assertEquals(List.of(integration.id()), removed, "its gauges end");
    assertFalse(gauges.containsKey(integration.id()));
    assertTrue(gauges.containsKey(other.id()), "the tenant's other integration keeps its gauges");

    integrations.remove(other.id());
    assertTrue(engine.integrationsChanged(TENANT).succeeded());
    assertEquals(List.of(integration.id(), other.id()), removed);
  }

  @Test
  void aDeletedIntegrationWithAChangeNotYetWrittenIsForgottenOnlyOnceTheWriterTookIt() {
    HealthTracker tracker = new HealthTracker(DisablePolicy.NEVER, metrics);
    Integration other = otherWebhook("tenant-2");
    tracker.observe(TENANT, List.of(new MonitoredIntegration(integration, IntegrationHealth.NONE)));
    tracker.observe("tenant-2", List.of(new MonitoredIntegration(other, IntegrationHealth.NONE)));
    tracker.attempted(TENANT, integration.id(), AttemptOutcome.status(500), T0);

    tracker.observe(TENANT, List.of());
    assertEquals(List.of(), removed, "its failure is not written yet");
    assertEquals(1, tracker.health(integration.id()).orElseThrow().consecutiveFailures());
    assertEquals(1, tracker.takeChanges().size());

    tracker.observe(TENANT, List.of());
    assertEquals(List.of(integration.id()), removed);
    assertEquals(Optional.empty(), tracker.health(integration.id()));
    assertTrue(tracker.health(other.id()).isPresent(), "another tenant's integration is not touched");

    // an attempt that was in flight when it was deleted ends: its gauges do not come back
    tracker.attempted(TENANT, integration.id(), AttemptOutcome.status(503), T0.plusSeconds(1));
    assertFalse(gauges.containsKey(integration.id()));
    assertEquals(Optional.empty(), tracker.health(integration.id()));
    assertEquals(List.of(), tracker.takeChanges());
  }

  @Test
  void aHealthyIntegrationsSuccessesRefreshItsStoredLastSuccessAtMostEveryThirtySeconds() {
    start("1m", DisablePolicy.NEVER);
    sender.answer(HOST, FakeWebhookSender.status(200), FakeWebhookSender.status(200), FakeWebhookSender.status(200),
        FakeWebhookSender.status(500), FakeWebhookSender.status(200));
    arrive("dev-1");
    assertEquals(1, integrations.healthWrites().size(), "the first success is written");
    assertEquals(Optional.of(T0), stored().lastSuccessAt());

    scheduler.advance(Duration.ofSeconds(10));
    arrive("dev-2");
    assertEquals(1, integrations.healthWrites().size(), "a success 10 s later changes only a time: not written");
    assertEquals(Optional.of(T0), stored().lastSuccessAt());
    assertTrue(gauges.get(integration.id()).lastSuccessAt().orElseThrow().isAfter(T0.plusSeconds(9)),
        "the metrics show it at once");

    scheduler.advance(Duration.ofSeconds(25));
    arrive("dev-3");
    assertEquals(2, integrations.healthWrites().size(), "35 s after the stored one: written");
    assertTrue(stored().lastSuccessAt().orElseThrow().isAfter(T0.plusSeconds(30)), stored().toString());

    scheduler.advance(Duration.ofSeconds(1));
    arrive("dev-4"); // a failure is always written
    assertEquals(3, integrations.healthWrites().size());
    assertEquals(1, stored().consecutiveFailures());
  }

  @Test
  void disablesAfterThePeriodStoresSkippedEventsAndEnablingDeliversThemInOrderAtTheRate() {
    start("24h,24h,24h,24h,24h", new DisablePolicy(Optional.of(Duration.ofDays(2)), false));
    sender.answer(HOST, FakeWebhookSender.status(500));
    UUID first = arrive("dev-1");
    scheduler.advance(Duration.ofDays(1));
    assertEquals(1, poll());
    assertFalse(stored().disabled(), "one day of failures is not two");
    scheduler.advance(Duration.ofDays(1));
    assertEquals(1, poll());
    IntegrationHealth disabled = stored();
    assertTrue(disabled.disabled(), "two days of only failures disable it");
    Instant disabledAt = disabled.disabledAt().orElseThrow();
    assertFalse(disabledAt.isBefore(T0.plus(Duration.ofDays(2))));
    assertTrue(disabledAt.isBefore(T0.plus(Duration.ofDays(2)).plusSeconds(1)), "at the attempt that made it two days");
    assertEquals(3, disabled.consecutiveFailures());
    assertEquals(1, transitions.get("disabled"));

    // the retry of the first event falls due: no attempt, the delivery is skipped
    scheduler.advance(Duration.ofDays(1));
    assertEquals(1, poll());
    assertEquals(3, sender.sent().size());
    assertEquals(DeliveryState.SKIPPED, events.status(first, 0).state());
    // new events are stored as skipped, never dropped, and not attempted
    UUID second = arrive("dev-2");
    scheduler.advance(Duration.ofSeconds(1));
    UUID third = arrive("dev-3");
    assertEquals(DeliveryState.SKIPPED, events.status(second, 0).state());
    assertEquals(DeliveryState.SKIPPED, events.status(third, 0).state());
    assertEquals(0, poll());
    assertEquals(3, sender.sent().size());

    // enabled at once: intake's lease on the events it stored as skipped (taken at birth) does not delay them
    sender.answer(HOST, FakeWebhookSender.status(200));
    Instant enabledAt = clock.instant();
    EnableIntegrationService enable = new EnableIntegrationService(integrations, events, clock, new RecoveryPace(2),
        metrics);
    assertEquals(3, enable.enableIntegration(new EnableIntegrationCommand(TENANT, integration.id())).result());
    assertFalse(stored().disabled());
    assertEquals(1, transitions.get("enabled"));
    // at 2 per second, oldest first: one due now, one 500 ms later, one 1 s later
    assertEquals(1, poll());
    scheduler.advance(Duration.ofMillis(490));
    assertEquals(0, poll(), "the next one is not due yet");
    scheduler.advance(Duration.ofMillis(5));
    assertEquals(1, poll());
    scheduler.advance(Duration.ofMillis(495));
    assertEquals(1, poll());
    List<FakeWebhookSender.Sent> resent = sender.sent().subList(3, 6);
    assertEquals(List.of("dev-1", "dev-2", "dev-3"), devicesSent().subList(3, 6));
    for (int k = 0; k < 3; k++) {
      Instant due = enabledAt.plus(Duration.ofMillis(500L * k));
      Instant at = resent.get(k).at();
      assertFalse(at.isBefore(due), "not before its turn: " + k);
      assertTrue(at.isBefore(due.plusMillis(20)), "in its turn (the polls are 5 ms apart): " + k);
    }
    for (UUID id : List.of(first, second, third)) {
      assertEquals(DeliveryState.DELIVERED, events.status(id, 0).state());
    }
    assertTrue(stored().lastSuccessAt().isPresent());
    assertEquals(Map.of("failing", 1, "disabled", 1, "enabled", 1), transitions,
        "enabling counts the failures afresh: the successes after it are no recovery");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void a410DisablesAtOnceOnlyWhenConfigured(boolean onGone) {
    start("1m", new DisablePolicy(Optional.empty(), onGone));
    sender.answer(HOST, FakeWebhookSender.status(410));
    arrive("dev-1");
    assertEquals(onGone, stored().disabled());
    assertEquals(onGone ? Optional.of("the receiver answered 410 Gone") : Optional.empty(),
        stored().disabledReason());
    UUID next = arrive("dev-2");
    assertEquals(onGone ? DeliveryState.SKIPPED : DeliveryState.FAILED, events.status(next, 0).state());
    assertEquals(onGone ? 1 : 2, sender.sent().size());
  }

  @Test
  void bulkRecoveryQueuesTheFailedEventsSinceATimeAtTheRate() {
    start("", DisablePolicy.NEVER);
    sender.answer(HOST, FakeWebhookSender.status(500));
    UUID old = arrive("dev-1");
    scheduler.advance(Duration.ofHours(1));
    Instant since = clock.instant();
    UUID a = arrive("dev-2");
    scheduler.advance(Duration.ofHours(1));
    UUID b = arrive("dev-3");
    for (UUID id : List.of(old, a, b)) {
      assertEquals(DeliveryState.FAILED, events.status(id, 0).state());
    }
    sender.answer(HOST, FakeWebhookSender.status(200));
    RecoverIntegrationService recover = new RecoverIntegrationService(integrations, events, clock,
        new RecoveryPace(10));
    Instant at = clock.instant();
    assertEquals(2, recover.recoverIntegration(new RecoverIntegrationCommand(TENANT, integration.id(), since))
        .result());
    assertEquals(1, poll());
    scheduler.advance(Duration.ofMillis(90));
    assertEquals(0, poll(), "at 10 per second the next one is due 100 ms later");
    scheduler.advance(Duration.ofMillis(5));
    assertEquals(1, poll());
    assertEquals(List.of("dev-1", "dev-2", "dev-3", "dev-2", "dev-3"), devicesSent());
    assertEquals(at, sender.sent().get(3).at());
    assertFalse(sender.sent().get(4).at().isBefore(at.plus(Duration.ofMillis(100))));
    assertEquals(DeliveryState.FAILED, events.status(old, 0).state(), "before the given time: left alone");
    assertEquals(DeliveryState.DELIVERED, events.status(a, 0).state());
    assertEquals(DeliveryState.DELIVERED, events.status(b, 0).state());
    assertEquals(0, recover.recoverIntegration(new RecoverIntegrationCommand(TENANT, integration.id(), since))
        .result(), "nothing failed is left since then");

    Future<Integer> unknown = recover.recoverIntegration(new RecoverIntegrationCommand(TENANT, UUID.randomUUID(),
        since));
    assertInstanceOf(ApplicationException.NotFound.class, unknown.cause());
    Future<Integer> otherTenant = recover.recoverIntegration(new RecoverIntegrationCommand("tenant-2",
        integration.id(), since));
    assertInstanceOf(ApplicationException.NotFound.class, otherTenant.cause());
    integrations.putHealth(integration.id(), stored().disable(clock.instant(), "test"));
    Future<Integer> disabled = recover.recoverIntegration(new RecoverIntegrationCommand(TENANT, integration.id(),
        since));
    assertInstanceOf(ApplicationException.Conflict.class, disabled.cause());
  }
}
