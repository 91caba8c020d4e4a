package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.ClaimDueDeliveriesCommand;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The delivery engine over in-memory ports, a clock and a scheduler that move only when the test
 * moves them, and a sender that answers from a script. Retry jitter is 0, so due times are exact.
 */
class DeliverEventsServiceTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String TENANT = "tenant-1";
  private static final String INSTANCE = "instance-1";
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration FLUSH = Duration.ofMillis(5);
  private static final String USER_AGENT = "iot-webhooks/test";

  private final ManualClock clock = new ManualClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeWebhookSender sender = new FakeWebhookSender(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();

  private static DeliverySettings settings(int maxConcurrent, int maxPerHost, int outcomeBatch) {
    return new DeliverySettings(INSTANCE, LEASE, Duration.ofSeconds(10), maxConcurrent, maxPerHost, false, USER_AGENT,
        Duration.ofMinutes(15), 1000, outcomeBatch, FLUSH);
  }

  private DeliverEventsService engine(String schedule) {
    return engine(schedule, settings(64, 8, 200));
  }

  private DeliverEventsService engine(String schedule, DeliverySettings settings) {
    return Engines.create(integrations, events, sender, scheduler, clock, RetryPolicy.of(schedule, 0),
        () -> 0.5, settings, DeliveryMetrics.NONE);
  }

  private Integration webhook(String tenant, String url, String secretHex) {
    Integration integration = new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create(url), Optional.ofNullable(secretHex).map(WebhookSecret::fromHex))),
        "");
    integrations.put(integration);
    return integration;
  }

  /** A new event, stored as intake stores it (pending deliveries due now, claimed at birth by this instance). */
  private EventRecord stored(String tenant, Integration... targets) {
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    Event event = Event.create(id, tenant, EventType.DEVICE_DECOMMISSIONED, "dev-" + id,
        new JsonText("{\"id\":\"dev-" + id + "\"}"), now);
    List<DeliveryStatus> deliveries = new ArrayList<>();
    for (Integration target : targets) {
      deliveries.add(DeliveryStatus.pending(target.id(), now));
    }
    EventRecord record = new EventRecord(event, deliveries);
    events.insertAll(List.of(record), INSTANCE, now.plus(LEASE));
    return record;
  }

  /** Hands events to the engine as intake does, then lets the outcome writer flush. */
  private void deliver(DeliverEventsService engine, EventRecord... records) {
    Future<Void> round = engine.deliverEvents(DeliverEventsCommand.auto(List.of(records)));
    assertTrue(round.succeeded(), "a round never fails for a failed delivery");
    scheduler.advance(FLUSH);
  }

  /** One poll of the store, as the delivery verticle does; the claimed events' attempts are sent at once. */
  private int poll(DeliverEventsService engine) {
    Future<Integer> claimed = new ClaimDueDeliveriesService(events, engine, clock, INSTANCE, LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(100));
    return claimed.result();
  }

  private DeliveryStatus status(EventRecord record) {
    return events.status(record.event().id(), 0);
  }

  private static String unexpected(int code) {
    return "client: unexpected status code from API: " + code;
  }

  @Test
  void aSuccessIsDeliveredWithOneAttemptAndReleasesTheEvent() {
    Integration hook = webhook(TENANT, "https://receiver.example/hooks?x=1", null);
    EventRecord record = stored(TENANT, hook);

    deliver(engine("5s,5m"), record);

    assertEquals(1, sender.sent().size());
    assertEquals(URI.create("https://receiver.example/hooks?x=1"), sender.sent().get(0).request().url());
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.DELIVERED, status.state());
    assertTrue(status.success());
    assertEquals(1, status.attempts());
    assertEquals(Optional.of(200), status.statusCode());
    assertEquals(Optional.empty(), status.error());
    assertEquals(Optional.empty(), status.nextAttemptAt());
    List<Attempt> attempts = events.attempts(record.event().id());
    assertEquals(List.of(new Attempt(hook.id(), 1, T0, Optional.of(200), Optional.empty(), 7, AttemptTrigger.AUTO)),
        attempts);
    InMemoryEventRepository.Stored stored = events.stored(record.event().id());
    assertEquals(Optional.empty(), stored.dueAt, "nothing pending: out of the claimable set");
    assertEquals(Optional.empty(), stored.leaseUntil, "the lease is released");
    assertEquals(0, scheduler.pending(), "nothing held in memory");
  }

  @Test
  void failuresAreRetriedAtTheScheduledTimesUntilDelivered() {
    Integration hook = webhook(TENANT, "https://receiver.example/hooks", null);
    sender.answer("receiver.example", FakeWebhookSender.status(503), FakeWebhookSender.status(500),
        FakeWebhookSender.status(200));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);
    Instant second = T0.plusSeconds(5);
    Instant third = second.plus(Duration.ofMinutes(5));

    deliver(engine, record);
    DeliveryStatus afterFirst = status(record);
    assertEquals(DeliveryState.PENDING, afterFirst.state());
    assertEquals(1, afterFirst.attempts());
    assertEquals(Optional.of(503), afterFirst.statusCode());
    assertEquals(Optional.of(unexpected(503)), afterFirst.error());
    assertEquals(Optional.of(second), afterFirst.nextAttemptAt());
    InMemoryEventRepository.Stored stored = events.stored(record.event().id());
    assertEquals(Optional.of(second), stored.dueAt);
    assertEquals(Optional.of(INSTANCE), stored.leaseOwner, "a near retry is held in memory under the lease");
    assertEquals(Optional.of(second.plus(LEASE)), stored.leaseUntil);

    scheduler.advanceTo(second.minusMillis(1));
    assertEquals(1, sender.sent().size(), "not before the scheduled time");
    scheduler.advanceTo(second.plus(FLUSH));
    assertEquals(2, sender.sent().size());
    assertEquals(Optional.of(third), status(record).nextAttemptAt());
    assertEquals(2, status(record).attempts());

    scheduler.advanceTo(third.minusMillis(1));
    assertEquals(2, sender.sent().size(), "not before the scheduled time");
    scheduler.advanceTo(third.plus(FLUSH));

    assertEquals(List.of(T0, second, third), sender.sent().stream().map(FakeWebhookSender.Sent::at).toList());
    DeliveryStatus done = status(record);
    assertEquals(DeliveryState.DELIVERED, done.state());
    assertEquals(3, done.attempts());
    assertEquals(Optional.of(200), done.statusCode());
    assertEquals(Optional.empty(), done.error());
    assertEquals(List.of(
            new Attempt(hook.id(), 1, T0, Optional.of(503), Optional.of(unexpected(503)), 7, AttemptTrigger.AUTO),
            new Attempt(hook.id(), 2, second, Optional.of(500), Optional.of(unexpected(500)), 7, AttemptTrigger.AUTO),
            new Attempt(hook.id(), 3, third, Optional.of(200), Optional.empty(), 7, AttemptTrigger.AUTO)),
        events.attempts(record.event().id()));
    assertEquals(Optional.empty(), events.stored(record.event().id()).leaseUntil);
  }

  @Test
  void anExhaustedScheduleFailsWithTheLastError() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(500));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);

    deliver(engine, record);
    scheduler.advance(Duration.ofHours(1));

    assertEquals(3, sender.sent().size(), "1 + the number of scheduled delays");
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.FAILED, status.state());
    assertFalse(status.success());
    assertEquals(3, status.attempts());
    assertEquals(Optional.of(500), status.statusCode());
    assertEquals(Optional.of(unexpected(500)), status.error());
    assertEquals(Optional.empty(), status.nextAttemptAt());
    assertEquals(Optional.empty(), events.stored(record.event().id()).dueAt);
    assertEquals(Optional.empty(), events.stored(record.event().id()).leaseUntil);
    scheduler.advance(Duration.ofDays(1));
    assertEquals(0, poll(engine));
    assertEquals(3, sender.sent().size());
  }

  @Test
  void aTransportErrorIsRetriedAndRecordedAsTheError() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    String refused = "Post \"https://receiver.example/\": connection refused";
    sender.answer("receiver.example", WebhookResponse.error(refused, 3));
    DeliverEventsService engine = engine("1s");
    EventRecord record = stored(TENANT, hook);

    deliver(engine, record);
    scheduler.advance(Duration.ofSeconds(2));

    assertEquals(2, sender.sent().size());
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.FAILED, status.state());
    assertEquals(Optional.empty(), status.statusCode());
    assertEquals(Optional.of(refused), status.error());
    assertEquals(List.of(Optional.of(refused), Optional.of(refused)),
        events.attempts(record.event().id()).stream().map(Attempt::error).toList());
  }

  @Test
  void goneStopsAfterOneAttempt() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(410));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);

    deliver(engine, record);
    scheduler.advance(Duration.ofHours(1));
    assertEquals(0, poll(engine));

    assertEquals(1, sender.sent().size());
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.FAILED, status.state());
    assertEquals(1, status.attempts());
    assertEquals(Optional.of(410), status.statusCode());
    assertEquals(Optional.of(unexpected(410)), status.error());
  }

  @ParameterizedTest(name = "{0} after {1} with Retry-After {2} -> next attempt after {3}s")
  @CsvSource({
      "5s,  429, 8,    8",    // longer than the scheduled 5 s: waited
      "5s,  503, 7,    7",
      "5s,  429, 3600, 10",   // capped at the scheduled delay x 2
      "5s,  503, 2,    5",    // shorter: the schedule wins ("at least")
      "5s,  500, 8,    5",    // only 429 and 503 carry a Retry-After that counts
      "45m, 429, 7200, 3600", // capped at 1 h (45m x 2 would be 90m)
  })
  void retryAfterOn429And503IsRespectedWithinTheCaps(String schedule, int code, String retryAfter,
      long expectedSeconds) {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(code, retryAfter), FakeWebhookSender.status(200));
    DeliverEventsService engine = engine(schedule);
    EventRecord record = stored(TENANT, hook);
    Instant expected = T0.plusSeconds(expectedSeconds);

    deliver(engine, record);
    assertEquals(Optional.of(expected), status(record).nextAttemptAt());

    scheduler.advanceTo(expected.minusMillis(1));
    poll(engine);
    assertEquals(1, sender.sent().size(), "no attempt before " + expected);
    scheduler.advanceTo(expected);
    poll(engine);
    assertEquals(2, sender.sent().size());
    assertEquals(expected, sender.sent().get(1).at());
    scheduler.advance(FLUSH);
    assertEquals(DeliveryState.DELIVERED, status(record).state());
  }

  @Test
  void aRetryBeyondTheHorizonIsReleasedToTheStoreAndClaimedWhenDue() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(500), FakeWebhookSender.status(500),
        FakeWebhookSender.status(200));
    DeliverEventsService engine = engine("5s,20m");
    EventRecord record = stored(TENANT, hook);
    Instant third = T0.plusSeconds(5).plus(Duration.ofMinutes(20));

    deliver(engine, record);
    scheduler.advanceTo(T0.plusSeconds(5).plus(FLUSH));
    assertEquals(2, sender.sent().size());
    InMemoryEventRepository.Stored stored = events.stored(record.event().id());
    assertEquals(Optional.of(third), stored.dueAt);
    assertEquals(Optional.empty(), stored.leaseUntil, "a far retry is not held: the lease is released");
    assertEquals(0, scheduler.pending(), "nothing scheduled in memory");

    scheduler.advanceTo(third.minusSeconds(1));
    assertEquals(0, poll(engine), "not claimable before it is due");
    scheduler.advanceTo(third);
    assertEquals(1, poll(engine));
    scheduler.advance(FLUSH);

    assertEquals(3, sender.sent().size());
    assertEquals(third, sender.sent().get(2).at());
    assertEquals(DeliveryState.DELIVERED, status(record).state());
    assertEquals(3, status(record).attempts());
  }

  @Test
  void manualRedeliverySendsAgainNowAsAManualAttempt() {
    Integration hook = webhook(TENANT, "https://receiver.example/", "deadbeef");
    DeliverEventsService engine = engine("5s,5m");
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, engine);
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    clock.advance(Duration.ofMinutes(30));
    Instant manualAt = clock.instant();

    Future<Void> accepted = redeliver.redeliverEvent(
        new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    assertTrue(accepted.succeeded());
    scheduler.advance(FLUSH);

    List<FakeWebhookSender.Sent> sent = sender.sent();
    assertEquals(2, sent.size());
    assertArrayEquals(sent.get(0).request().body(), sent.get(1).request().body());
    assertEquals(record.event().id().toString(), sent.get(1).header("webhook-id"));
    List<Attempt> attempts = events.attempts(record.event().id());
    assertEquals(2, attempts.size());
    assertEquals(AttemptTrigger.AUTO, attempts.get(0).trigger());
    assertEquals(new Attempt(hook.id(), 2, manualAt, Optional.of(200), Optional.empty(), 7,
        AttemptTrigger.MANUAL), attempts.get(1));
    assertEquals(DeliveryState.DELIVERED, status(record).state());
    assertEquals(2, status(record).attempts());
    List<DeliveryOutcome> lastWrite = events.outcomeWrites().get(events.outcomeWrites().size() - 1);
    assertTrue(lastWrite.get(0).manual(), "a manual outcome does not take or need the lease");
  }

  @Test
  void manualRedeliveryOfAFailedEventCanDeliverIt() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(410), FakeWebhookSender.status(200));
    DeliverEventsService engine = engine("5s");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    assertEquals(DeliveryState.FAILED, status(record).state());

    new RedeliverEventService(events, integrations, engine)
        .redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.advance(FLUSH);

    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.DELIVERED, status.state());
    assertEquals(2, status.attempts());
    assertEquals(Optional.of(200), status.statusCode());
    assertEquals(Optional.empty(), status.error());
    scheduler.advance(Duration.ofHours(1));
    assertEquals(2, sender.sent().size(), "a manual attempt schedules no automatic retry");
  }

  @Test
  void manualRedeliveryToOneIntegrationSendsOnlyThere() {
    Integration a = webhook(TENANT, "https://a.example/", null);
    Integration b = webhook(TENANT, "https://b.example/", null);
    DeliverEventsService engine = engine("5s");
    EventRecord record = stored(TENANT, a, b);
    deliver(engine, record);
    assertEquals(2, sender.sent().size());

    new RedeliverEventService(events, integrations, engine)
        .redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.of(b.id())));
    scheduler.advance(FLUSH);

    assertEquals(1, sender.sentTo("a.example").size());
    assertEquals(2, sender.sentTo("b.example").size());
    assertEquals(1, events.status(record.event().id(), 0).attempts());
    assertEquals(2, events.status(record.event().id(), 1).attempts());
  }

  @Test
  void manualRedeliveryOfAnUnknownEventOrIntegrationIsNotFound() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    DeliverEventsService engine = engine("5s");
    RedeliverEventService redeliver = new RedeliverEventService(events, integrations, engine);
    EventRecord record = stored(TENANT, hook);

    Future<Void> unknown = redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, UUID.randomUUID(),
        Optional.empty()));
    Future<Void> otherTenant = redeliver.redeliverEvent(new RedeliverEventCommand("tenant-2", record.event().id(),
        Optional.empty()));
    Future<Void> otherIntegration = redeliver.redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(),
        Optional.of(UUID.randomUUID())));

    assertInstanceOf(ApplicationException.NotFound.class, unknown.cause());
    assertInstanceOf(ApplicationException.NotFound.class, otherTenant.cause());
    assertInstanceOf(ApplicationException.NotFound.class, otherIntegration.cause());
    assertEquals(0, sender.sent().size());
  }

  @Test
  void aManualSuccessWhileARetryIsHeldEndsTheRetries() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(503), FakeWebhookSender.status(200),
        FakeWebhookSender.status(500));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    assertEquals(DeliveryState.PENDING, status(record).state());
    scheduler.advance(Duration.ofSeconds(1));

    new RedeliverEventService(events, integrations, engine)
        .redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.advance(FLUSH);
    assertEquals(DeliveryState.DELIVERED, status(record).state());

    scheduler.advance(Duration.ofHours(1));
    poll(engine);
    assertEquals(2, sender.sent().size(), "the held automatic retry must not send a delivered event again");
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.DELIVERED, status.state());
    assertEquals(2, status.attempts());
    assertEquals(List.of(1, 2), events.attempts(record.event().id()).stream().map(Attempt::attempt).toList());
  }

  @Test
  void aManualFailureWhileARetryIsHeldKeepsTheScheduleAndTheAttemptNumbers() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(503), FakeWebhookSender.status(500),
        FakeWebhookSender.status(200));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    scheduler.advance(Duration.ofSeconds(1));

    new RedeliverEventService(events, integrations, engine)
        .redeliverEvent(new RedeliverEventCommand(TENANT, record.event().id(), Optional.empty()));
    scheduler.advance(FLUSH);
    assertEquals(DeliveryState.PENDING, status(record).state());
    assertEquals(Optional.of(T0.plusSeconds(5)), status(record).nextAttemptAt(), "the schedule is unchanged");

    scheduler.advanceTo(T0.plusSeconds(5).plus(FLUSH));

    assertEquals(3, sender.sent().size());
    assertEquals(T0.plusSeconds(5), sender.sent().get(2).at());
    assertEquals(DeliveryState.DELIVERED, status(record).state());
    assertEquals(3, status(record).attempts());
    assertEquals(List.of(1, 2, 3), events.attempts(record.event().id()).stream().map(Attempt::attempt).toList());
  }

  @Test
  void aDeletedIntegrationFailsTheDeliveryWithoutSending() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    EventRecord record = stored(TENANT, hook);
    integrations.remove(hook.id());

    deliver(engine("5s"), record);

    assertEquals(0, sender.sent().size());
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.FAILED, status.state());
    assertEquals(0, status.attempts());
    assertEquals(Optional.of("integration deleted"), status.error());
    assertEquals(List.of(), events.attempts(record.event().id()));
    assertEquals(Optional.empty(), events.stored(record.event().id()).dueAt);
  }

  @Test
  void deletingTheIntegrationStopsAHeldRetry() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    sender.answer("receiver.example", FakeWebhookSender.status(500));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    integrations.remove(hook.id());

    scheduler.advance(Duration.ofHours(1));
    poll(engine);

    assertEquals(1, sender.sent().size());
    DeliveryStatus status = status(record);
    assertEquals(DeliveryState.FAILED, status.state());
    assertEquals(1, status.attempts(), "the attempts made stay counted");
    assertEquals(Optional.of("integration deleted"), status.error());
    assertEquals(Optional.empty(), events.stored(record.event().id()).dueAt);
  }

  @Test
  void changedCredentialsApplyToTheNextAttempt() throws Exception {
    Integration hook = webhook(TENANT, "https://old.example/one", "deadbeef");
    sender.answer("old.example", FakeWebhookSender.status(500));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);

    integrations.updateCredentials(TENANT, hook.id(), Credentials.http(new HttpCredentials(
        URI.create("https://new.example/two"), Optional.of(WebhookSecret.fromHex("c0ffee")))));
    scheduler.advance(Duration.ofSeconds(5).plus(FLUSH));

    assertEquals(2, sender.sent().size());
    FakeWebhookSender.Sent second = sender.sent().get(1);
    assertEquals(URI.create("https://new.example/two"), second.request().url());
    assertEquals(hex(hmac(HexFormat.of().parseHex("c0ffee"), second.request().body())),
        second.header("X-Men-Signature"));
    assertEquals(DeliveryState.DELIVERED, status(record).state());
  }

  @Test
  void everyAttemptSendsTheSameBodyAndIdWithAFreshTimestampAndValidSignatures() throws Exception {
    Integration hook = webhook(TENANT, "https://receiver.example/", "deadbeef");
    sender.answer("receiver.example", FakeWebhookSender.status(500), FakeWebhookSender.status(503),
        FakeWebhookSender.status(200));
    DeliverEventsService engine = engine("5s,5m");
    EventRecord record = stored(TENANT, hook);

    deliver(engine, record);
    scheduler.advance(Duration.ofMinutes(6));

    List<FakeWebhookSender.Sent> sent = sender.sent();
    assertEquals(3, sent.size());
    byte[] key = HexFormat.of().parseHex("deadbeef");
    String id = record.event().id().toString();
    List<String> timestamps = new ArrayList<>();
    for (FakeWebhookSender.Sent s : sent) {
      byte[] body = s.request().body();
      assertArrayEquals(record.event().body().getBytes(StandardCharsets.UTF_8), body, "the stored bytes, unchanged");
      assertEquals(id, s.header("webhook-id"));
      String timestamp = s.header("webhook-timestamp");
      assertEquals(Long.toString(s.at().getEpochSecond()), timestamp, "unix seconds of this attempt");
      timestamps.add(timestamp);
      assertEquals("MEN-HMAC-SHA256-Payload", s.header("X-Men-Algorithm"));
      assertEquals(hex(hmac(key, body)), s.header("X-Men-Signature"));
      byte[] signed = (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8);
      assertEquals("v1," + Base64.getEncoder().encodeToString(hmac(key, signed)), s.header("webhook-signature"));
      assertEquals(USER_AGENT, s.header("User-Agent"));
    }
    assertEquals(List.of(Long.toString(T0.getEpochSecond()), Long.toString(T0.getEpochSecond() + 5),
        Long.toString(T0.getEpochSecond() + 305)), timestamps);
  }

  @Test
  void signatureHeadersAreSentOnlyWithASecretWhileIdAndTimestampAlwaysAre() {
    Integration unsigned = webhook(TENANT, "https://unsigned.example/", null);
    Integration emptySecret = webhook("tenant-2", "https://empty.example/", "");
    DeliverEventsService engine = engine("5s");

    deliver(engine, stored(TENANT, unsigned), stored("tenant-2", emptySecret));

    FakeWebhookSender.Sent plain = sender.sentTo("unsigned.example").get(0);
    assertNull(plain.header("X-Men-Signature"));
    assertNull(plain.header("X-Men-Algorithm"));
    assertNull(plain.header("webhook-signature"));
    assertEquals(Long.toString(T0.getEpochSecond()), plain.header("webhook-timestamp"));
    assertTrue(plain.header("webhook-id").matches("[0-9a-f-]{36}"));
    assertEquals(USER_AGENT, plain.header("User-Agent"));
    FakeWebhookSender.Sent signed = sender.sentTo("empty.example").get(0);
    assertEquals(64, signed.header("X-Men-Signature").length(), "an empty secret still signs");
    assertTrue(signed.header("webhook-signature").startsWith("v1,"));
  }

  @Test
  void outcomesOfManyEventsAreWrittenInFewBatches() {
    Integration hook = webhook(TENANT, "https://receiver.example/", null);
    DeliverEventsService engine = engine("5s", settings(64, 8, 40));
    List<EventRecord> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(stored(TENANT, hook));
    }

    Future<Void> round = engine.deliverEvents(DeliverEventsCommand.auto(records));
    assertTrue(round.succeeded());
    assertEquals(List.of(40, 40), events.outcomeWrites().stream().map(List::size).toList(),
        "full batches are written at once");
    scheduler.advance(FLUSH);

    assertEquals(List.of(40, 40, 20), events.outcomeWrites().stream().map(List::size).toList(),
        "the rest after the flush delay");
    assertEquals(100, sender.sent().size());
    assertTrue(records.stream().allMatch(r -> status(r).state() == DeliveryState.DELIVERED));
    assertEquals(1, integrations.tenantReads(), "one integrations read for the whole batch");
  }

  @Test
  void aHostThatNeverAnswersHoldsAtMostItsPerHostShareWhileOthersKeepFlowing() {
    Integration slow = webhook("slow-tenant", "https://slow.example/", null);
    Integration fast = webhook("fast-tenant", "https://fast.example/", null);
    sender.hang("slow.example");
    DeliverEventsService engine = engine("5s", settings(16, 2, 200));
    List<EventRecord> slowEvents = new ArrayList<>();
    List<EventRecord> fastEvents = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      slowEvents.add(stored("slow-tenant", slow));
      fastEvents.add(stored("fast-tenant", fast));
    }

    engine.deliverEvents(DeliverEventsCommand.auto(slowEvents));
    engine.deliverEvents(DeliverEventsCommand.auto(fastEvents));
    scheduler.advance(FLUSH);

    assertEquals(2, sender.sentTo("slow.example").size(), "at most maxPerHost in flight to one host");
    assertEquals(10, sender.sentTo("fast.example").size(), "the other host is not held up");
    assertTrue(fastEvents.stream().allMatch(r -> status(r).state() == DeliveryState.DELIVERED));
    assertTrue(slowEvents.stream().allMatch(r -> status(r).attempts() == 0));
    assertEquals(10, engine.inFlight());

    sender.completeHanging(FakeWebhookSender.status(200));
    assertEquals(3, sender.sentTo("slow.example").size(), "a freed permit goes to the next waiting attempt");
    assertEquals(9, engine.inFlight());
  }

  private static byte[] hmac(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Test
  void leasesOfEventsQueuedBehindASlowHostAreRenewedSoNoOtherInstanceTakesThemOver() {
    Integration slow = webhook(TENANT, "https://slow.example/hook", null);
    sender.hang("slow.example");
    DeliverEventsService engine = engine("5s", settings(64, 1, 200));
    EventRecord first = stored(TENANT, slow);
    EventRecord queued = stored(TENANT, slow);
    engine.deliverEvents(DeliverEventsCommand.auto(List.of(first, queued)));
    assertEquals(1, sender.sent().size(), "one attempt in flight to the slow host, the other queued");

    clock.advance(Duration.ofSeconds(50));
    Future<Integer> renewed = engine.renewLeases();

    assertEquals(2, renewed.result(), "both events are still this instance's work");
    Instant expected = clock.instant().plus(LEASE);
    assertEquals(Optional.of(expected), events.stored(first.event().id()).leaseUntil);
    assertEquals(Optional.of(expected), events.stored(queued.event().id()).leaseUntil);
    clock.advance(Duration.ofSeconds(30));
    assertEquals(0, new ClaimDueDeliveriesService(events, engine, clock, "instance-2", LEASE)
        .claimDueDeliveries(new ClaimDueDeliveriesCommand(100)).result(),
        "past the birth lease, another instance still cannot claim work that waits here");
  }

  @Test
  void aRetryHeldInMemoryIsNotRenewedWhileItsLeaseRunsPastItsDueTime() {
    Integration hook = webhook(TENANT, "https://receiver.example/hook", null);
    sender.answer("receiver.example", FakeWebhookSender.status(500));
    DeliverEventsService engine = engine("10m");
    EventRecord record = stored(TENANT, hook);
    deliver(engine, record);
    Instant held = events.stored(record.event().id()).leaseUntil.orElseThrow();
    assertTrue(held.isAfter(clock.instant().plus(Duration.ofMinutes(10))), "held until its retry plus the lease");

    assertEquals(0, engine.renewLeases().result(), "its lease outlasts the renewal after next: no store command");
    assertEquals(0, events.leaseExtensions);

    assertEquals(Optional.of(held), events.stored(record.event().id()).leaseUntil);
  }
}
