package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.in.DeliverEventsCommand;
import io.iotmanager.webhooks.application.port.in.DeliveryEngine;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.application.port.out.EventRepository;
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
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: POSTs each due delivery of the events it holds, signed, through the concurrency
 * limiter, with the integration as it is when the attempt starts; decides with the retry policy what
 * follows; writes each event's outcome (statuses and attempt records in one update, batched); keeps
 * near retries in memory under its lease and releases later ones to the store, where
 * {@link ClaimDueDeliveriesService} claims them when due.
 *
 * <p>All its state lives on one Vert.x context: its driver calls every method there, and its
 * collaborators complete their futures there, so it needs no locks. An event has at most one round of
 * attempts at a time: a manual redelivery or a due retry of an event whose round is in flight waits for
 * that round, so attempt numbers are unique and gapless and every round starts from the latest state
 * (also when the store does not have it yet).
 */
public final class DeliverEventsService implements DeliveryEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DeliverEventsService.class);
  static final String DELETED = DeliveryStatus.DELETED;
  private static final Duration DUE_TOLERANCE = Duration.ofMillis(50);
  private static final int LEASE_RENEWAL_CHUNK = 500;

  private final EventRepository events;
  private final IntegrationLookup integrations;
  private final DeliveryLimiter limiter;
  private final OutcomeWriter writer;
  private final WebhookSender sender;
  private final Scheduler scheduler;
  private final Clock clock;
  private final RetryPolicy policy;
  private final DoubleSupplier random;
  private final DeliverySettings settings;
  private final DeliveryMetrics metrics;

  /** What the engine knows of one event it works on: its latest state and what waits for it. */
  private static final class Tracked {
    EventRecord record;
    /** This instance delivers it automatically (under its lease): in a round, queued, or held for a retry. */
    boolean auto;
    /** A retry of it is held in memory on a timer. */
    boolean held;
    /** A round of attempts is in flight. */
    boolean busy;
    /** Outcomes of it not yet written to the store. */
    int unwritten;
    /** Rounds waiting for the one in flight. */
    final ArrayDeque<Runnable> after = new ArrayDeque<>();
    /**
     * While {@link #auto}: until when this instance's lease on it runs at least, as far as known here
     * (the lease it was handed over with, or the last renewal); null when not known.
     */
    Instant leaseUntil;
    /**
     * Counts the times this instance took its lease ({@link #auto}, or for manual rounds): a renewal sent
     * before the last one says nothing of its lease.
     */
    int leaseTakes;
    /**
     * This instance took its lease for manual rounds (it does not deliver it automatically); the lease
     * ends once they and their outcomes are done.
     */
    boolean manualLease;

    Tracked(EventRecord record) {
      this.record = record;
    }
  }

  private final Map<UUID, Tracked> tracked = new HashMap<>();
  private int autoCount;
  private int busyCount;
  private int heldCount;
  private boolean stopping;
  /** Runs once the backlog is below {@link #backlogMark}; null when nobody waits for that. */
  private Runnable backlogWatcher;
  private int backlogMark;

  public DeliverEventsService(EventRepository events, IntegrationLookup integrations, DeliveryLimiter limiter,
      OutcomeWriter writer, WebhookSender sender, Scheduler scheduler, Clock clock, RetryPolicy policy,
      DoubleSupplier random, DeliverySettings settings, DeliveryMetrics metrics) {
    this.events = events;
    this.integrations = integrations;
    this.limiter = limiter;
    this.writer = writer;
    this.sender = sender;
    this.scheduler = scheduler;
    this.clock = clock;
    this.policy = policy;
    this.random = random;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> deliverEvents(DeliverEventsCommand command) {
    // New work from outside (intake, redelivery, a claim) may follow a credentials change: it must not
    // reuse a read that ended before it arrived. Its own attempts still share one read.
    integrations.forgetReads();
    List<Future<Void>> rounds = new ArrayList<>();
    int skipped = 0;
    for (EventRecord record : command.events()) {
      UUID id = record.event().id();
      Tracked t = tracked.get(id);
      if (command.trigger() == AttemptTrigger.AUTO) {
        if (t != null && t.auto) {
          skipped++; // handed over again (e.g. its lease ran out while it waited here): ours already
          t.leaseUntil = later(t.leaseUntil, command.leaseUntil().orElse(null));
          continue;
        }
        if (t == null) {
          t = new Tracked(record);
          tracked.put(id, t);
        }
        setAuto(t, true);
        t.leaseUntil = command.leaseUntil().orElse(null);
        Tracked event = t;
        rounds.add(whenIdle(t, () -> autoRound(event)));
      } else {
        if (t == null) {
          t = new Tracked(record);
          tracked.put(id, t);
        }
        Tracked event = t;
        Optional<UUID> only = command.integrationId();
        rounds.add(whenIdle(t, () -> holdForManual(event, clock.instant().plus(manualWaitBound()))
            .compose(exists -> exists ? manualRound(event, only) : Future.succeededFuture())));
      }
    }
    if (skipped > 0) {
      LOG.debug("{} event(s) handed over again while this instance still works on them: skipped", skipped);
    }
    Future<?> all = Future.join(rounds); // as a Future: CompositeFuture is not in the async kernel
    return all.otherwiseEmpty().mapEmpty();
  }

  /**
   * Before a manual round of an event this instance does not hold: takes its lease, so that no other
   * instance starts an attempt of it meanwhile, and reads its latest state. When another instance holds
   * it, the round waits for that instance to finish (its attempt in flight, and the outcome written),
   * polling every {@value #MANUAL_POLL_MS} ms until {@code deadline}, then goes ahead beside it; it does
   * not wait for a retry that instance holds for later (due after this round's attempt would end).
   * Completes with false when the event no longer exists.
   */
  private Future<Boolean> holdForManual(Tracked t, Instant deadline) {
    if (t.auto || t.manualLease) {
      return Future.succeededFuture(true); // this instance holds its lease already
    }
    Event event = t.record.event();
    Instant now = clock.instant();
    return events.takeLease(settings.instanceId(), event.tenantId(), event.id(), now, now.plus(settings.lease()))
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(false);
          }
          EventRepository.LeaseTake lease = found.get();
          if (t.unwritten == 0) {
            t.record = lease.record(); // else this instance knows a later state than the store
          }
          if (lease.taken()) {
            t.manualLease = true;
            t.leaseTakes++;
            t.leaseUntil = lease.leaseUntil().orElse(null);
            return Future.succeededFuture(true);
          }
          Instant at = clock.instant();
          // another instance holds it for a retry that starts after this round's attempt would end
          boolean heldForLater = lease.leaseUntil().map(until -> until.minus(settings.heldLease())
              .isAfter(at.plus(settings.attemptTimeout()))).orElse(false);
          if (heldForLater || !at.isBefore(deadline)) {
            if (!heldForLater) {
              LOG.warn("event_id={} manual redelivery goes ahead beside another instance's attempt: "
                  + "it held the event longer than {}", event.id(), manualWaitBound());
            }
            return Future.succeededFuture(true);
          }
          Promise<Boolean> later = Promise.promise();
          scheduler.schedule(Duration.ofMillis(MANUAL_POLL_MS), () -> holdForManual(t, deadline).onComplete(later));
          return later.future();
        });
  }

  private static final long MANUAL_POLL_MS = 200;

  /** How long a manual round waits at most for another instance's hold on its event: twice the lease. */
  private Duration manualWaitBound() {
    return settings.lease().multipliedBy(2);
  }

  /** Runs {@code round} now if the event has no round in flight, else after the rounds before it. */
  private Future<Void> whenIdle(Tracked t, java.util.function.Supplier<Future<Void>> round) {
    Promise<Void> done = Promise.promise();
    Runnable run = () -> {
      t.busy = true;
      busyCount++;
      Future<Void> f;
      try {
        f = round.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("event_id={} delivery round failed: {}", t.record.event().id(), ar.cause().toString());
          if (t.auto && !t.held) {
            setAuto(t, false); // its lease expires and a claim takes it up again
          }
        }
        t.busy = false;
        busyCount--;
        Runnable next = t.after.poll();
        if (next != null) {
          next.run();
        } else {
          forgetIfIdle(t);
        }
        done.complete();
      });
    };
    if (t.busy) {
      t.after.add(run);
    } else {
      run.run();
    }
    return done.future();
  }

  private void setAuto(Tracked t, boolean auto) {
    if (t.auto != auto) {
      t.auto = auto;
      autoCount += auto ? 1 : -1;
      if (auto) {
        t.leaseTakes++;
      } else {
        t.leaseUntil = null;
        if (backlogWatcher != null && autoCount < backlogMark) {
          Runnable watcher = backlogWatcher;
          backlogWatcher = null;
          scheduler.schedule(Duration.ZERO, watcher);
        }
      }
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  /**
   * Once nothing of the event is in flight, queued, held or unwritten here: ends the lease taken for
   * manual rounds (when automatic delivery has not taken it over meanwhile), and forgets the event
   * unless this instance delivers it automatically.
   */
  private void forgetIfIdle(Tracked t) {
    if (t.busy || t.held || t.unwritten > 0 || !t.after.isEmpty()) {
      return;
    }
    if (t.manualLease) {
      t.manualLease = false;
      if (!t.auto && t.leaseUntil != null) {
        Instant until = t.leaseUntil;
        t.leaseUntil = null;
        events.releaseLeases(settings.instanceId(), List.of(t.record.event().id()), until)
            .onFailure(e -> LOG.warn("event_id={} the lease taken for a manual redelivery could not be "
                + "ended; it runs out by itself: {}", t.record.event().id(), e.toString()));
      }
    }
    if (!t.auto) {
      tracked.remove(t.record.event().id(), t);
    }
  }

  @Override
  public Future<Void> integrationsChanged(String tenant) {
    integrations.forgetReads();
    return integrations.current(tenant).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Events this engine holds in memory: attempting now, or waiting in memory for a near retry. */
  @Override
  public int backlog() {
    return autoCount;
  }

  /** Events whose round of attempts has not ended yet. */
  @Override
  public int inFlight() {
    return busyCount;
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
   * Runs {@code then} (on this context, on a turn of its own) once the backlog is below {@code mark}:
   * at once if it is already, else as soon as an event leaves it. One watcher at a time; a new one
   * replaces the last.
   */
  @Override
  public void whenBacklogBelow(int mark, Runnable then) {
    if (autoCount < mark) {
      backlogWatcher = null;
      scheduler.schedule(Duration.ZERO, then);
      return;
    }
    backlogMark = mark;
    backlogWatcher = then;
  }

  /**
   * Extends this instance's lease on the events it works on automatically (in a round, queued behind
   * a slow host, or held for a near retry) whose lease would run out within two thirds of a lease, or
   * is not known here, so another instance does not take over work that is only waiting here; the
   * others are left alone, so an event is renewed once per {@code heldLease} at most, and one attempted
   * soon after it arrived not at all. Each renewed lease runs {@code heldLease} from now. Call it at
   * least every third of the lease; one store command per 500 events renewed.
   */
  @Override
  public Future<Integer> renewLeases() {
    Instant now = clock.instant();
    Instant renewBefore = now.plus(settings.lease().multipliedBy(2).dividedBy(3));
    List<Tracked> due = new ArrayList<>();
    List<Integer> since = new ArrayList<>();
    tracked.values().forEach(t -> {
      if ((t.auto || t.manualLease) && (t.leaseUntil == null || t.leaseUntil.isBefore(renewBefore))) {
        due.add(t);
        since.add(t.leaseTakes);
      }
    });
    if (due.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Instant until = now.plus(settings.heldLease());
    List<Future<Void>> writes = new ArrayList<>();
    for (int from = 0; from < due.size(); from += LEASE_RENEWAL_CHUNK) {
      int to = Math.min(due.size(), from + LEASE_RENEWAL_CHUNK);
      List<Tracked> chunk = due.subList(from, to);
      List<Integer> chunkSince = since.subList(from, to);
      writes.add(events.extendLeases(settings.instanceId(), chunk.stream().map(t -> t.record.event().id())
          .toList(), until).onSuccess(v -> {
            for (int i = 0; i < chunk.size(); i++) {
              Tracked t = chunk.get(i);
              // still the hold the renewal was sent for
              if ((t.auto || t.manualLease) && t.leaseTakes == chunkSince.get(i)) {
                t.leaseUntil = later(t.leaseUntil, until);
              }
            }
          }));
    }
    Future<?> all = Future.all(writes); // as a Future: CompositeFuture is not in the async kernel
    return all.map(due.size());
  }

  /**
   * Ends this instance's lease on events it was handed but does not take (its backlog is full), where
   * the lease is still the one they were handed over with, so that a poll (of any instance) claims them
   * at once instead of after the lease; events it works on are left alone. One store command per 500
   * events. Completes with how many were released.
   */
  @Override
  public Future<Integer> releaseLeases(List<EventRecord> refused, Instant leaseUntil) {
    List<UUID> ids = new ArrayList<>();
    for (EventRecord record : refused) {
      Tracked t = tracked.get(record.event().id());
      if (t == null || !t.auto) {
        ids.add(record.event().id());
      }
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Future<Void>> writes = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += LEASE_RENEWAL_CHUNK) {
      writes.add(events.releaseLeases(settings.instanceId(),
          ids.subList(from, Math.min(ids.size(), from + LEASE_RENEWAL_CHUNK)), leaseUntil));
    }
    Future<?> all = Future.all(writes); // as a Future, as above
    return all.map(ids.size());
  }

  /** Writes the outcomes not yet written; completes once the store has them (or gave up). */
  @Override
  public Future<Void> drain() {
    return writer.drain();
  }

  private record Step(int index, DeliveryStatus status, Optional<Attempt> attempt) {}

  /** The due pending deliveries of an event this instance holds the lease on. */
  private Future<Void> autoRound(Tracked t) {
    if (!t.auto) {
      return Future.succeededFuture();
    }
    if (stopping) {
      setAuto(t, false);
      return Future.succeededFuture(); // stays pending in the store under the lease; claimable once it expires
    }
    Instant now = clock.instant();
    List<DeliveryStatus> statuses = t.record.deliveries();
    List<Future<Step>> steps = new ArrayList<>();
    for (int k = 0; k < statuses.size(); k++) {
      DeliveryStatus d = statuses.get(k);
      if (d.dueBy(now.plus(DUE_TOLERANCE))) {
        steps.add(attempt(t.record.event(), k, d, AttemptTrigger.AUTO));
      }
    }
    return settleAll(steps).map(changed -> {
      settleAuto(t, changed);
      return null;
    });
  }

  /** Every delivery of the event (or the one named), now, as manual attempts. */
  private Future<Void> manualRound(Tracked t, Optional<UUID> only) {
    List<DeliveryStatus> statuses = t.record.deliveries();
    List<Future<Step>> steps = new ArrayList<>();
    for (int k = 0; k < statuses.size(); k++) {
      DeliveryStatus d = statuses.get(k);
      if (only.isEmpty() || only.get().equals(d.integrationId())) {
        steps.add(attempt(t.record.event(), k, d, AttemptTrigger.MANUAL));
      }
    }
    return settleAll(steps).map(changed -> {
      settleManual(t, changed);
      return null;
    });
  }

  private static Future<List<Step>> settleAll(List<Future<Step>> steps) {
    Future<?> all = Future.join(new ArrayList<>(steps)); // as a Future, as above
    return all.transform(ignored -> {
      List<Step> done = new ArrayList<>();
      for (Future<Step> f : steps) {
        if (f.succeeded() && f.result() != null) {
          done.add(f.result());
        } else if (f.failed()) {
          LOG.warn("an attempt failed unexpectedly: {}", f.cause().toString());
        }
      }
      return Future.succeededFuture(done);
    });
  }

  /**
   * One attempt: waits for its permits, then reads the integration as it is now (a deleted one ends
   * the delivery without a POST; a manual attempt to it is skipped), then POSTs. Completes with null
   * when nothing changed.
   */
  private Future<Step> attempt(Event event, int index, DeliveryStatus d, AttemptTrigger trigger) {
    String tenant = event.tenantId();
    return integrations.current(tenant).compose(before -> {
      Integration known = before.get(d.integrationId());
      String host = known == null ? "" : known.credentials().http().map(HttpCredentials::host).orElse("");
      return limiter.run(host, () -> {
        if (stopping && trigger == AttemptTrigger.AUTO) {
          return Future.succeededFuture(new Step(index, d, Optional.empty())); // released unattempted
        }
        return integrations.current(tenant).compose(now -> {
          Integration integration = now.get(d.integrationId());
          Optional<HttpCredentials> http = integration == null ? Optional.empty() : integration.credentials().http();
          if (http.isEmpty()) {
            return Future.succeededFuture(trigger == AttemptTrigger.AUTO ? new Step(index, d.deleted(),
                Optional.empty()) : null);
          }
          if (trigger == AttemptTrigger.AUTO && integrations.health().disabled(d.integrationId())) {
            return Future.succeededFuture(new Step(index, d.skipped(), Optional.empty())); // stored, not sent
          }
          return post(event, index, d, http.get(), trigger);
        });
      });
    });
  }

  private Future<Step> post(Event event, int index, DeliveryStatus d, HttpCredentials http, AttemptTrigger trigger) {
    Instant started = clock.instant();
    byte[] body = event.bodyBytes();
    // the previous secret signs too while its overlap lasts at the start of this attempt
    Map<String, String> headers = Signatures.requestHeaders(settings.userAgent(), http.signingSecrets(started),
        event.id(), started.getEpochSecond(), body);
    return sender.send(new WebhookRequest(http.url(), body, headers, settings.attemptTimeout(),
            settings.checkAddress()))
        .map(response -> step(event, index, d, response, started, trigger));
  }

  private Step step(Event event, int index, DeliveryStatus d, WebhookResponse response, Instant started,
      AttemptTrigger trigger) {
    Instant now = clock.instant();
    AttemptOutcome outcome = response.statusCode()
        .map(code -> AttemptOutcome.status(code,
            response.retryAfter().flatMap(h -> RetryPolicy.parseRetryAfter(h, now))))
        .orElseGet(() -> AttemptOutcome.error(response.error().orElse("unknown error")));
    DeliveryStatus next;
    String metric;
    if (trigger == AttemptTrigger.MANUAL) {
      metric = "manual";
      next = d.afterManualAttempt(outcome);
    } else {
      RetryDecision decision = policy.next(d.attempts() + 1, outcome, now, random.getAsDouble());
      next = d.afterAutomaticAttempt(outcome, decision);
      metric = switch (next.state()) {
        case PENDING -> "retry";
        case DELIVERED -> "delivered";
        case FAILED, SKIPPED -> "failed";
      };
    }
    integrations.health().attempted(event.tenantId(), d.integrationId(), outcome, now);
    Attempt attempt = new Attempt(d.integrationId(), next.attempts(), started, response.statusCode(),
        outcome.failure(), response.durationMs(), trigger, response.body());
    metrics.attempted(metric, response.durationMs());
    if (LOG.isInfoEnabled()) {
      LOG.info("event_id={} integration_id={} attempt={} trigger={} status_code={} duration_ms={} state={}{}",
          event.id(), d.integrationId(), next.attempts(), trigger.wireName(), response.statusCode()
              .map(String::valueOf).orElse("-"), response.durationMs(), next.state().wireName(),
          outcome.failure().map(e -> " error=\"" + e + "\"").orElse(""));
    }
    return new Step(index, next, Optional.of(attempt));
  }

  /** Applies a round's steps to the event's latest state; returns the changed statuses by position. */
  private static Map<Integer, DeliveryStatus> apply(Tracked t, List<Step> steps, List<Attempt> attempts) {
    Map<Integer, DeliveryStatus> changed = new LinkedHashMap<>();
    List<DeliveryStatus> after = new ArrayList<>(t.record.deliveries());
    for (Step s : steps) {
      changed.put(s.index(), s.status());
      after.set(s.index(), s.status());
      s.attempt().ifPresent(attempts::add);
    }
    t.record = new EventRecord(t.record.event(), after);
    return changed;
  }

  private void settleManual(Tracked t, List<Step> steps) {
    List<Attempt> attempts = new ArrayList<>();
    Map<Integer, DeliveryStatus> changed = apply(t, steps, attempts);
    if (changed.isEmpty()) {
      return;
    }
    write(t, new DeliveryOutcome(t.record.event().id(), changed, attempts,
        DeliveryStatus.dueAt(t.record.deliveries()), Optional.empty(), Optional.empty()));
  }

  /** Writes the round's outcome and decides who holds the event next: this instance in memory, or the store. */
  private void settleAuto(Tracked t, List<Step> steps) {
    List<Attempt> attempts = new ArrayList<>();
    Map<Integer, DeliveryStatus> changed = apply(t, steps, attempts);
    Optional<Instant> dueAt = DeliveryStatus.dueAt(t.record.deliveries());
    if (changed.isEmpty() && dueAt.isEmpty()) {
      setAuto(t, false);
      return; // nothing was pending: the event is not claimable, no write needed
    }
    Optional<Instant> leaseUntil = Optional.empty();
    if (dueAt.isPresent()) {
      Duration wait = Duration.between(clock.instant(), dueAt.get());
      if (wait.isNegative()) {
        wait = Duration.ZERO;
      }
      if (!stopping && wait.compareTo(settings.retryHorizon()) <= 0 && heldCount < settings.maxHeldRetries()) {
        leaseUntil = Optional.of(dueAt.get().plus(settings.heldLease()));
        // the store has this lease once the outcome is written, the one known until then
        t.leaseUntil = earlier(t.leaseUntil, leaseUntil.get());
        t.held = true;
        heldCount++;
        scheduler.schedule(wait, () -> {
          t.held = false;
          heldCount--;
          if (stopping || !t.auto) {
            setAuto(t, false);
            forgetIfIdle(t);
            return;
          }
          whenIdle(t, () -> autoRound(t));
        });
      }
    }
    DeliveryOutcome outcome = new DeliveryOutcome(t.record.event().id(), changed, attempts, dueAt,
        Optional.of(settings.instanceId()), leaseUntil);
    if (leaseUntil.isEmpty()) {
      // Ours until the store has the outcome: a claim meanwhile would read the state before this round.
      write(t, outcome, () -> setAuto(t, false));
    } else {
      write(t, outcome);
    }
  }

  private void write(Tracked t, DeliveryOutcome outcome) {
    write(t, outcome, () -> {});
  }

  private void write(Tracked t, DeliveryOutcome outcome, Runnable then) {
    t.unwritten++;
    writer.add(outcome, () -> {
      t.unwritten--;
      then.run();
      forgetIfIdle(t);
    });
  }
}
