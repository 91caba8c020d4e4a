package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.AttemptOutcome;
import io.iotmanager.webhooks.domain.AttemptTrigger;
import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.RetryDecision;
import io.iotmanager.webhooks.domain.RetryPolicy;
import io.iotmanager.webhooks.domain.Signatures;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: POSTs each due delivery of the events it holds, signed, through the concurrency
 * limiter; decides with the retry policy what follows; writes each event's outcome (statuses and
 * attempt records in one update, batched); keeps near retries in memory under its lease and releases
 * later ones to the store, where {@link ClaimDueDeliveriesService} claims them when due.
 */
public final class DeliverEventsService implements DeliveryEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DeliverEventsService.class);
  static final String DELETED = "integration deleted";
  private static final Duration DUE_TOLERANCE = Duration.ofMillis(50);

  private static final int LEASE_RENEWAL_CHUNK = 500;

  private final TenantIntegrations integrations;
  private final EventRepository events;
  private final WebhookSender sender;
  private final Scheduler scheduler;
  private final Clock clock;
  private final RetryPolicy policy;
  private final DoubleSupplier random;
  private final DeliverySettings settings;
  private final DeliveryMetrics metrics;
  private final DeliveryLimiter limiter;
  private final OutcomeWriter writer;
  private final AtomicInteger heldRetries = new AtomicInteger();
  /** The latest known state of each event waiting in memory for a near retry, by event id. */
  private final Map<UUID, EventRecord> held = new ConcurrentHashMap<>();
  private final AtomicInteger eventsInFlight = new AtomicInteger();
  /**
   * Events this engine works on automatically: in a round of attempts, or waiting in memory for a near
   * retry. A claim may hand back one of them (its lease ran out while it waited here, e.g. behind a slow
   * receiver or a slow store); attempting it a second time would deliver it twice.
   */
  private final Set<UUID> owned = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  public DeliverEventsService(IntegrationRepository integrations, EventRepository events, WebhookSender sender,
      Scheduler scheduler, Clock clock, RetryPolicy policy, DoubleSupplier random, DeliverySettings settings,
      DeliveryMetrics metrics) {
    this.integrations = new TenantIntegrations(integrations, clock, Duration.ofSeconds(1));
    this.events = events;
    this.sender = sender;
    this.scheduler = scheduler;
    this.clock = clock;
    this.policy = policy;
    this.random = random;
    this.settings = settings;
    this.metrics = metrics;
    this.limiter = new DeliveryLimiter(settings.maxConcurrent(), settings.maxPerHost());
    this.writer = new OutcomeWriter(events, scheduler, settings.outcomeBatch(), settings.outcomeFlushDelay());
  }

  @Override
  public Future<Void> deliverEvents(DeliverEventsCommand command) {
    if (command.trigger() == AttemptTrigger.AUTO) {
      List<EventRecord> notOwned = command.events().stream().filter(r -> owned.add(r.event().id())).toList();
      if (notOwned.size() < command.events().size()) {
        LOG.debug("{} event(s) handed over again while this instance still works on them: skipped",
            command.events().size() - notOwned.size());
      }
      command = new DeliverEventsCommand(notOwned, command.trigger(), command.integrationId());
    }
    return deliver(command);
  }

  /** Runs a round for each event; automatic ones are already in {@link #owned}. */
  private Future<Void> deliver(DeliverEventsCommand command) {
    if (command.events().isEmpty()) {
      return Future.succeededFuture();
    }
    boolean fresh = command.trigger() == AttemptTrigger.MANUAL;
    AttemptTrigger trigger = command.trigger();
    Map<String, List<EventRecord>> byTenant = command.events().stream()
        .collect(Collectors.groupingBy(r -> r.event().tenantId(), LinkedHashMap::new, Collectors.toList()));
    List<Future<Void>> rounds = new ArrayList<>();
    for (Map.Entry<String, List<EventRecord>> tenant : byTenant.entrySet()) {
      eventsInFlight.addAndGet(tenant.getValue().size());
      Future<Map<UUID, Integration>> known = integrations.of(tenant.getKey(), fresh)
          .map(list -> list.stream().collect(Collectors.toMap(Integration::id, Function.identity(), (a, b) -> a)));
      for (EventRecord record : tenant.getValue()) {
        Future<Void> round = known
            .compose(byId -> round(record, byId, command.trigger(), command.integrationId()))
            .onFailure(err -> {
              LOG.warn("event_id={} delivery round failed: {}", record.event().id(), err.toString());
              if (trigger == AttemptTrigger.AUTO) {
                owned.remove(record.event().id());
              }
            })
            .onComplete(ar -> eventsInFlight.decrementAndGet());
        rounds.add(round);
      }
    }
    Future<?> all = Future.join(rounds); // as a Future: CompositeFuture is not in the async kernel
    return all.otherwiseEmpty().mapEmpty();
  }

  /** Events this engine holds in memory: attempting now, or waiting in memory for a near retry. */
  @Override
  public int backlog() {
    return eventsInFlight.get() + heldRetries.get();
  }

  /** Events whose round of attempts has not ended yet. */
  @Override
  public int inFlight() {
    return eventsInFlight.get();
  }

  private boolean tryHold() {
    if (heldRetries.incrementAndGet() > settings.maxHeldRetries()) {
      heldRetries.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * For a graceful stop: from now on no automatic attempt starts. Attempts in flight end and their
   * outcomes are written as usual; a delivery whose attempt had not started yet stays pending and is
   * released to the store (claimable at once by another instance); a retry held in memory is dropped
   * and stays pending in the store under its lease. Manual redeliveries are not affected.
   */
  @Override
  public void stopAttempts() {
    stopping = true;
  }

  /**
   * Extends this instance's lease on every event it works on automatically (in a round, queued behind
   * a slow host, or held for a near retry), so another instance does not take over work that is only
   * waiting here. Call it well within the lease; one store command per 500 events.
   */
  @Override
  public Future<Integer> renewLeases() {
    List<UUID> ids = new ArrayList<>(owned);
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Instant until = clock.instant().plus(settings.lease());
    List<Future<Void>> writes = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += LEASE_RENEWAL_CHUNK) {
      writes.add(events.extendLeases(settings.instanceId(),
          ids.subList(from, Math.min(ids.size(), from + LEASE_RENEWAL_CHUNK)), until));
    }
    Future<?> all = Future.all(writes); // as a Future: CompositeFuture is not in the async kernel
    return all.map(ids.size());
  }

  /** Writes the outcomes not yet written; completes once the store has them (or gave up). */
  @Override
  public Future<Void> drain() {
    return writer.drain();
  }

  private Future<Void> round(EventRecord record, Map<UUID, Integration> byId, AttemptTrigger trigger,
      Optional<UUID> only) {
    Instant now = clock.instant();
    List<DeliveryStatus> statuses = record.deliveries();
    Map<Integer, Future<Step>> steps = new LinkedHashMap<>();
    for (int k = 0; k < statuses.size(); k++) {
      DeliveryStatus d = statuses.get(k);
      if (only.isPresent() && !only.get().equals(d.integrationId())) {
        continue;
      }
      Integration integration = byId.get(d.integrationId());
      if (trigger == AttemptTrigger.AUTO) {
        if (d.state() != DeliveryState.PENDING) {
          continue;
        }
        if (integration == null || integration.credentials().http().isEmpty()) {
          steps.put(k, Future.succeededFuture(new Step(new DeliveryStatus(d.integrationId(), DeliveryState.FAILED,
              d.attempts(), d.statusCode(), Optional.of(DELETED), Optional.empty()), Optional.empty())));
          continue;
        }
        if (d.nextAttemptAt().isPresent() && d.nextAttemptAt().get().isAfter(now.plus(DUE_TOLERANCE))) {
          continue;
        }
      } else if (integration == null || integration.credentials().http().isEmpty()) {
        continue;
      }
      steps.put(k, attempt(record.event(), d, integration.credentials().http().get(), trigger));
    }
    Future<?> all = Future.join(new ArrayList<>(steps.values())); // as a Future, as above
    return all.transform(ignored -> {
      Map<Integer, DeliveryStatus> changed = new HashMap<>();
      List<Attempt> attempts = new ArrayList<>();
      steps.forEach((k, f) -> {
        if (f.succeeded()) {
          changed.put(k, f.result().status());
          f.result().attempt().ifPresent(attempts::add);
        }
      });
      List<DeliveryStatus> after = new ArrayList<>(statuses);
      changed.forEach(after::set);
      settle(record, after, changed, attempts, trigger);
      return Future.succeededFuture();
    });
  }

  private record Step(DeliveryStatus status, Optional<Attempt> attempt) {}

  /**
   * An event held for a near retry, updated with a manual attempt made meanwhile: a delivery the manual
   * attempt delivered is not sent again, and the next automatic attempt counts the manual one. The
   * automatic schedule of a delivery still pending is kept.
   */
  private static EventRecord withManualOutcome(EventRecord waiting, Map<Integer, DeliveryStatus> changed) {
    List<DeliveryStatus> deliveries = new ArrayList<>(waiting.deliveries());
    changed.forEach((k, manual) -> {
      DeliveryStatus before = deliveries.get(k);
      deliveries.set(k, new DeliveryStatus(manual.integrationId(), manual.state(),
          Math.max(manual.attempts(), before.attempts() + 1), manual.statusCode(), manual.error(),
          manual.state() == DeliveryState.PENDING ? before.nextAttemptAt() : Optional.empty()));
    });
    return new EventRecord(waiting.event(), deliveries);
  }

  private Future<Step> attempt(Event event, DeliveryStatus d, HttpCredentials http, AttemptTrigger trigger) {
    return limiter.run(http.host(), () -> {
      if (stopping && trigger == AttemptTrigger.AUTO) {
        return Future.succeededFuture(new Step(d, Optional.empty()));
      }
      Instant started = clock.instant();
      long timestamp = started.getEpochSecond();
      byte[] body = event.bodyBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("User-Agent", settings.userAgent());
      headers.put(Signatures.WEBHOOK_ID_HEADER, event.id().toString());
      headers.put(Signatures.WEBHOOK_TIMESTAMP_HEADER, Long.toString(timestamp));
      headers.putAll(Signatures.headersFor(http.secret(), event.id(), timestamp, body));
      return sender.send(new WebhookRequest(http.url(), body, headers, settings.attemptTimeout(),
              settings.checkAddress()))
          .map(response -> step(event, d, response, started, trigger));
    });
  }

  private Step step(Event event, DeliveryStatus d, WebhookResponse response, Instant started, AttemptTrigger trigger) {
    int number = d.attempts() + 1;
    Instant now = clock.instant();
    AttemptOutcome outcome = response.statusCode()
        .map(code -> AttemptOutcome.status(code,
            response.retryAfter().flatMap(h -> RetryPolicy.parseRetryAfter(h, now))))
        .orElseGet(() -> AttemptOutcome.error(response.error().orElse("unknown error")));
    Optional<String> error = outcome.success() ? Optional.empty()
        : response.statusCode().map(code -> "client: unexpected status code from API: " + code).or(response::error);
    Attempt attempt = new Attempt(d.integrationId(), number, started, response.statusCode(), error,
        response.durationMs(), trigger);
    DeliveryStatus next;
    String metric;
    if (trigger == AttemptTrigger.MANUAL) {
      metric = "manual";
      DeliveryState state = outcome.success() ? DeliveryState.DELIVERED
          : d.state() == DeliveryState.PENDING ? DeliveryState.PENDING : DeliveryState.FAILED;
      next = new DeliveryStatus(d.integrationId(), state, number, response.statusCode(), error,
          state == DeliveryState.PENDING ? d.nextAttemptAt() : Optional.empty());
    } else {
      RetryDecision decision = policy.next(number, outcome, now, random.getAsDouble());
      if (decision instanceof RetryDecision.RetryAt retry) {
        metric = "retry";
        next = new DeliveryStatus(d.integrationId(), DeliveryState.PENDING, number, response.statusCode(), error,
            Optional.of(retry.at()));
      } else if (decision instanceof RetryDecision.Delivered) {
        metric = "delivered";
        next = new DeliveryStatus(d.integrationId(), DeliveryState.DELIVERED, number, response.statusCode(),
            Optional.empty(), Optional.empty());
      } else {
        metric = "failed";
        next = new DeliveryStatus(d.integrationId(), DeliveryState.FAILED, number, response.statusCode(), error,
            Optional.empty());
      }
    }
    metrics.attempted(metric, response.durationMs());
    if (LOG.isInfoEnabled()) {
      LOG.info("event_id={} integration_id={} attempt={} trigger={} status_code={} duration_ms={} state={}{}",
          event.id(), d.integrationId(), number, trigger.wireName(), response.statusCode().map(String::valueOf)
              .orElse("-"), response.durationMs(), next.state().wireName(),
          error.map(e -> " error=\"" + e + "\"").orElse(""));
    }
    return new Step(next, Optional.of(attempt));
  }

  /** Writes the round's outcome and decides who holds the event next: this instance in memory, or the store. */
  private void settle(EventRecord record, List<DeliveryStatus> after, Map<Integer, DeliveryStatus> changed,
      List<Attempt> attempts, AttemptTrigger trigger) {
    UUID id = record.event().id();
    Optional<Instant> dueAt = after.stream()
        .filter(s -> s.state() == DeliveryState.PENDING)
        .map(s -> s.nextAttemptAt().orElse(Instant.EPOCH))
        .min(Comparator.naturalOrder());
    if (trigger == AttemptTrigger.MANUAL) {
      if (!changed.isEmpty()) {
        held.computeIfPresent(id, (k, waiting) -> withManualOutcome(waiting, changed));
        writer.add(new DeliveryOutcome(id, changed, attempts, dueAt, Optional.empty(), Optional.empty()));
      }
      return;
    }
    if (changed.isEmpty() && dueAt.isEmpty()) {
      owned.remove(id);
      return; // nothing was pending: the event is not claimable, no write needed
    }
    Optional<Instant> leaseUntil = Optional.empty();
    if (dueAt.isPresent()) {
      Duration wait = Duration.between(clock.instant(), dueAt.get());
      if (wait.isNegative()) {
        wait = Duration.ZERO;
      }
      if (!stopping && wait.compareTo(settings.retryHorizon()) <= 0 && tryHold()) {
        leaseUntil = Optional.of(dueAt.get().plus(settings.lease()));
        EventRecord next = new EventRecord(record.event(), after);
        held.put(id, next);
        scheduler.schedule(wait, () -> {
          heldRetries.decrementAndGet();
          EventRecord latest = held.remove(id);
          if (stopping) {
            owned.remove(id);
            return;
          }
          deliver(DeliverEventsCommand.auto(List.of(latest == null ? next : latest)));
        });
      }
    }
    DeliveryOutcome outcome = new DeliveryOutcome(id, changed, attempts, dueAt, Optional.of(settings.instanceId()),
        leaseUntil);
    if (leaseUntil.isEmpty()) {
      // Ours until the store has the outcome: a claim meanwhile would read the state before this round.
      writer.add(outcome, () -> owned.remove(id));
    } else {
      writer.add(outcome);
    }
  }
}
