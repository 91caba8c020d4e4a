package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.domain.DeliveryOutcome;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventType;
import io.iotmanager.webhooks.domain.JsonText;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutcomeWriterTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration DELAY = Duration.ofMillis(5);

  private final ManualClock clock = new ManualClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final InMemoryEventRepository events = new InMemoryEventRepository();

  private DeliveryOutcome outcome() {
    UUID id = UUID.randomUUID();
    UUID integration = UUID.randomUUID();
    events.put(new EventRecord(Event.create(id, "t", EventType.DEVICE_DECOMMISSIONED, "d", new JsonText("{}"), T0),
        List.of(DeliveryStatus.pending(integration, T0))));
    return new DeliveryOutcome(id, Map.of(0, DeliveryStatus.pending(integration, T0.plusSeconds(5))), List.of(),
        Optional.of(T0.plusSeconds(5)), Optional.empty(), Optional.empty());
  }

  private List<Integer> writeSizes() {
    return events.outcomeWrites().stream().map(List::size).toList();
  }

  @Test
  void outcomesWaitTheFlushDelayToShareOneWrite() {
    OutcomeWriter writer = new OutcomeWriter(events, scheduler, 100, DELAY);
    for (int i = 0; i < 30; i++) {
      writer.add(outcome());
    }
    assertEquals(List.of(), writeSizes());
    scheduler.advance(DELAY.minusMillis(1));
    assertEquals(List.of(), writeSizes());
    scheduler.advance(Duration.ofMillis(1));
    assertEquals(List.of(30), writeSizes());
    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(List.of(30), writeSizes(), "nothing is written twice");
  }

  @Test
  void aFullBatchIsWrittenAtOnce() {
    OutcomeWriter writer = new OutcomeWriter(events, scheduler, 10, DELAY);
    for (int i = 0; i < 25; i++) {
      writer.add(outcome());
    }
    assertEquals(List.of(10, 10), writeSizes());
    scheduler.advance(DELAY);
    assertEquals(List.of(10, 10, 5), writeSizes());
  }

  @Test
  void aRefusedWriteIsTriedAgainThenGivenUp() {
    OutcomeWriter writer = new OutcomeWriter(events, scheduler, 10, DELAY);
    events.failNextWrites(2);
    DeliveryOutcome outcome = outcome();
    writer.add(outcome);
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals(List.of(1, 1, 1), writeSizes(), "two refusals, then applied");
    assertEquals(Optional.of(T0.plusSeconds(5)), events.stored(outcome.eventId()).dueAt);

    events.failNextWrites(100);
    writer.add(outcome());
    scheduler.advance(Duration.ofMinutes(1));
    assertEquals(3 + 4, writeSizes().size(), "at most four tries per batch");
    Future<Void> drained = writer.drain();
    assertTrue(drained.succeeded(), "a dropped batch does not block draining");
  }

  @Test
  void drainWritesWhatIsPendingAndCompletesOnceWritten() {
    OutcomeWriter writer = new OutcomeWriter(events, scheduler, 100, Duration.ofHours(1));
    writer.add(outcome());
    writer.add(outcome());
    events.failNextWrites(1);

    Future<Void> drained = writer.drain();
    assertEquals(List.of(2), writeSizes(), "written now, without waiting for the flush delay");
    assertFalse(drained.isComplete(), "the write is retried, so the drain waits");
    scheduler.advance(Duration.ofSeconds(1));
    assertTrue(drained.succeeded());
    assertEquals(List.of(2, 2), writeSizes());
    assertTrue(writer.drain().succeeded(), "an idle writer drains at once");
  }

  @Test
  void drainCompletesWhenOutcomesArriveWhileItsWriteIsInFlight() {
    OutcomeWriter writer = new OutcomeWriter(events, scheduler, 100, Duration.ofHours(1));
    writer.add(outcome());
    events.holdWrites();
    Future<Void> drained = writer.drain();
    writer.add(outcome());

    events.releaseWrites();

    assertTrue(drained.succeeded(), "the late outcome is written by the drain, not left to a flush timer");
    assertEquals(List.of(1, 1), writeSizes());
  }
}
