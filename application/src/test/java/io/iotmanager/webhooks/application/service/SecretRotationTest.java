package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.JsonText;
import io.iotmanager.webhooks.domain.PreviousSecret;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.iotmanager.webhooks.domain.Signatures;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Secret rotation with an overlap: after {@code PUT …/credentials} changes the secret, every attempt that starts
 * before the overlap ends carries two Standard Webhooks signatures (new first) and each secret alone verifies
 * it with the official Standard Webhooks library; {@code X-Men-Signature} uses the new secret only; after the
 * overlap only the new secret verifies. Signing is per attempt, with the credentials as they are when it starts.
 *
 * <p>The clock is manual but starts at the real time: the library refuses a {@code webhook-timestamp} more than
 * five minutes away from its own clock, so the overlaps verified with it are short (the test moves the manual
 * clock by minutes, not days); the 24-hour default is checked on the headers themselves.
 */
class SecretRotationTest {
  private static final String TENANT = "tenant-1";
  private static final String INSTANCE = "instance-1";
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration FLUSH = Duration.ofMillis(5);
  private static final String HOST = "receiver.example";
  private static final String OLD = "0123456789abcdef0123456789abcdef";
  private static final String NEW = "fedcba9876543210fedcba9876543210";

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final ManualClock clock = new ManualClock(t0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeWebhookSender sender = new FakeWebhookSender(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();
  private final InMemoryIntegrationRepository integrations = new InMemoryIntegrationRepository();
  private final SetIntegrationCredentialsService setCredentials = new SetIntegrationCredentialsService(integrations,
      new DestinationCheck(unusedResolver(), true), clock);

  private static AddressResolver unusedResolver() {
    return host -> Future.failedFuture(new AssertionError("the check is off: nothing is resolved"));
  }

  private DeliverEventsService engine(String schedule) {
    DeliverySettings settings = new DeliverySettings(INSTANCE, LEASE, Duration.ofSeconds(10), 64, 8, false,
        "iot-webhooks/test", Duration.ofMinutes(15), 1000, 200, FLUSH);
    return Engines.create(integrations, events, sender, scheduler, clock, RetryPolicy.of(schedule, 0), () -> 0.5,
        settings, DeliveryMetrics.NONE);
  }

  private Integration webhook(String secretHex) {
    Integration integration = new Integration(UUID.randomUUID(), TENANT, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://" + HOST + "/hook"),
            Optional.of(WebhookSecret.fromHex(secretHex)))), "");
    integrations.put(integration);
    return integration;
  }

  private void put(Integration integration, String secretHex, Optional<Duration> overlap) {
    Credentials credentials = Credentials.http(new HttpCredentials(URI.create("https://" + HOST + "/hook"),
        Optional.ofNullable(secretHex).map(WebhookSecret::fromHex)));
    Future<Void> done = setCredentials.setIntegrationCredentials(
        new SetIntegrationCredentialsCommand(TENANT, integration.id(), credentials, overlap));
    assertTrue(done.succeeded(), () -> "PUT credentials: " + done.cause());
  }

  private Optional<PreviousSecret> storedPrevious(Integration integration) {
    return integrations.findById(TENANT, integration.id()).result().orElseThrow()
        .credentials().http().orElseThrow().previousSecret();
  }

  private EventRecord deliverNewEvent(DeliverEventsService engine, Integration target) {
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    Event event = Event.create(id, TENANT, EventType.DEVICE_DECOMMISSIONED, "dev-" + id,
        new JsonText("{\"id\":\"dev-" + id + "\"}"), now);
    EventRecord record = new EventRecord(event, List.of(DeliveryStatus.pending(target.id(), now)));
    events.insertAll(List.of(record), INSTANCE, now.plus(LEASE));
    assertTrue(engine.deliverEvents(DeliverEventsCommand.auto(List.of(record))).succeeded());
    scheduler.advance(FLUSH);
    return record;
  }

  private FakeWebhookSender.Sent lastSent() {
    List<FakeWebhookSender.Sent> sent = sender.sent();
    return sent.get(sent.size() - 1);
  }

  /** Verifies the request as a receiver holding only {@code secretHex} does, with the official library. */
  private static void verifyWith(String secretHex, FakeWebhookSender.Sent sent) throws WebhookVerificationException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    sent.request().headers().forEach((name, value) -> headers.put(name, List.of(value)));
    new Webhook(WebhookSecret.fromHex(secretHex).bytes())
        .verify(new String(sent.request().body(), StandardCharsets.UTF_8), headers);
  }

  private static String menSignature(String secretHex, FakeWebhookSender.Sent sent) {
    return Signatures.menSignature(WebhookSecret.fromHex(secretHex), sent.request().body());
  }

  private static int signatureCount(FakeWebhookSender.Sent sent) {
    return sent.header(Signatures.WEBHOOK_SIGNATURE_HEADER).split(" ").length;
  }

  @Test
  void duringTheOverlapEachSecretAloneVerifiesAndAfterItOnlyTheNewOne() throws Exception {
    sender.answer(HOST, FakeWebhookSender.status(200));
    Integration hook = webhook(OLD);
    DeliverEventsService engine = engine("5s");
    deliverNewEvent(engine, hook);
    verifyWith(OLD, lastSent());
    assertEquals(1, signatureCount(lastSent()));

    Instant changed = clock.instant();
    put(hook, NEW, Optional.of(Duration.ofMinutes(2)));
    assertEquals(Optional.of(new PreviousSecret(WebhookSecret.fromHex(OLD), changed.plus(Duration.ofMinutes(2)))),
        storedPrevious(hook));

    clock.set(changed.plus(Duration.ofMinutes(2)).minusSeconds(1));
    deliverNewEvent(engine, hook);
    FakeWebhookSender.Sent during = lastSent();
    verifyWith(NEW, during);
    verifyWith(OLD, during);
    String[] signatures = during.header(Signatures.WEBHOOK_SIGNATURE_HEADER).split(" ");
    assertEquals(2, signatures.length, "one v1 signature per secret, separated by a space");
    String id = during.header(Signatures.WEBHOOK_ID_HEADER);
    long timestamp = Long.parseLong(during.header(Signatures.WEBHOOK_TIMESTAMP_HEADER));
    assertEquals(Signatures.standardWebhooksSignature(WebhookSecret.fromHex(NEW), id, timestamp,
        during.request().body()), signatures[0], "the new secret's signature comes first");
    assertEquals(Signatures.standardWebhooksSignature(WebhookSecret.fromHex(OLD), id, timestamp,
        during.request().body()), signatures[1]);
    assertEquals(menSignature(NEW, during), during.header(Signatures.MEN_SIGNATURE_HEADER),
        "X-Men-Signature uses the new secret only");

    clock.set(changed.plus(Duration.ofMinutes(2))); // the overlap ends there, exclusive
    deliverNewEvent(engine, hook);
    FakeWebhookSender.Sent after = lastSent();
    verifyWith(NEW, after);
    assertThrows(WebhookVerificationException.class, () -> verifyWith(OLD, after));
    assertEquals(1, signatureCount(after));
    assertEquals(menSignature(NEW, after), after.header(Signatures.MEN_SIGNATURE_HEADER));
    assertTrue(storedPrevious(hook).isPresent(), "still stored: dropped on the next write, never used meanwhile");
  }

  @Test
  void eachAttemptIsSignedWithTheSecretsValidWhenItStarts() throws Exception {
    sender.answer(HOST, FakeWebhookSender.status(500), FakeWebhookSender.status(200));
    Integration hook = webhook(OLD);
    put(hook, NEW, Optional.of(Duration.ofMinutes(1)));
    DeliverEventsService engine = engine("2m");

    EventRecord record = deliverNewEvent(engine, hook);
    FakeWebhookSender.Sent first = sender.sent().get(0);
    verifyWith(OLD, first);
    verifyWith(NEW, first);

    scheduler.advance(Duration.ofMinutes(2).plus(FLUSH)); // the retry, after the overlap
    assertEquals(2, sender.sent().size());
    FakeWebhookSender.Sent retry = sender.sent().get(1);
    assertEquals(first.header(Signatures.WEBHOOK_ID_HEADER), retry.header(Signatures.WEBHOOK_ID_HEADER));
    verifyWith(NEW, retry);
    assertThrows(WebhookVerificationException.class, () -> verifyWith(OLD, retry));
    assertEquals(DeliveryState.DELIVERED, events.status(record.event().id(), 0).state());
  }

  @Test
  void theOverlapLastsTwentyFourHoursByDefault() {
    sender.answer(HOST, FakeWebhookSender.status(200));
    Integration hook = webhook(OLD);
    put(hook, NEW, Optional.empty());
    assertEquals(Optional.of(t0.plus(Duration.ofHours(24))), storedPrevious(hook).map(PreviousSecret::validUntil));
    DeliverEventsService engine = engine("");

    clock.set(t0.plus(Duration.ofHours(24)).minusSeconds(1));
    deliverNewEvent(engine, hook);
    assertEquals(2, signatureCount(lastSent()));

    clock.set(t0.plus(Duration.ofHours(24)));
    deliverNewEvent(engine, hook);
    assertEquals(1, signatureCount(lastSent()));
    assertEquals(menSignature(NEW, lastSent()), lastSent().header(Signatures.MEN_SIGNATURE_HEADER));
  }

  @Test
  void aZeroOverlapEndsTheOldSecretAtOnce() {
    sender.answer(HOST, FakeWebhookSender.status(200));
    Integration hook = webhook(OLD);
    put(hook, NEW, Optional.of(Duration.ZERO));

    assertEquals(Optional.empty(), storedPrevious(hook));
    deliverNewEvent(engine(""), hook);
    assertEquals(1, signatureCount(lastSent()));
  }

  @Test
  void laterWritesKeepAnOverlapThatRunsReplaceItOnASecondRotationAndDropItOnceEnded() {
    Integration hook = webhook(OLD);
    put(hook, NEW, Optional.of(Duration.ofHours(1)));
    PreviousSecret first = storedPrevious(hook).orElseThrow();

    clock.advance(Duration.ofMinutes(10));
    put(hook, NEW, Optional.empty()); // e.g. a new URL with the same secret
    assertEquals(Optional.of(first), storedPrevious(hook), "the running overlap goes on unchanged");

    put(hook, NEW, Optional.of(Duration.ofMinutes(5))); // the same secret with a period: the overlap is reset
    assertEquals(Optional.of(new PreviousSecret(WebhookSecret.fromHex(OLD), clock.instant().plus(Duration.ofMinutes(5)))),
        storedPrevious(hook));

    String third = "aa";
    put(hook, third, Optional.empty()); // a second rotation: the secret current until now becomes the previous one
    assertEquals(Optional.of(new PreviousSecret(WebhookSecret.fromHex(NEW), clock.instant().plus(Duration.ofHours(24)))),
        storedPrevious(hook));

    clock.advance(Duration.ofHours(25));
    put(hook, third, Optional.empty());
    assertEquals(Optional.empty(), storedPrevious(hook), "an ended overlap is dropped on the next write");

    put(hook, null, Optional.empty());
    assertEquals(Optional.empty(), storedPrevious(hook), "no previous secret without a secret");
  }

  @Test
  void theOverlapIsFromZeroToThirtyDays() {
    Credentials credentials = Credentials.http(new HttpCredentials(URI.create("https://" + HOST + "/hook"),
        Optional.of(WebhookSecret.fromHex(NEW))));
    UUID id = UUID.randomUUID();
    for (Duration bad : List.of(Duration.ofSeconds(-1), Duration.ofDays(30).plusSeconds(1))) {
      DomainValidationException e = assertThrows(DomainValidationException.class,
          () -> new SetIntegrationCredentialsCommand(TENANT, id, credentials, Optional.of(bad)));
      assertEquals("previous_secret_valid_for: must be a whole number of seconds from 0 to 2592000", e.getMessage());
    }
    new SetIntegrationCredentialsCommand(TENANT, id, credentials, Optional.of(Duration.ofDays(30)));
  }
}
