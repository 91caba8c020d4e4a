package io.iotmanager.webhooks.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admission control of intake writes, on a hand-driven clock and timer: the write slots, the queue, the
 * up-front refusals (queue full, expected wait too long) and the refusal at the queue timeout, none of which
 * ever starts the write; a started write is awaited however long it takes.
 */
class IntakeAdmissionTest {
  private long now;
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final Scheduler scheduler = (delay, task) -> {
    delays.add(delay);
    timers.add(task);
  };

  /** One store write the test completes by hand; {@code started} once the admission called it. */
  private static final class Write {
    final Promise<String> result = Promise.promise();
    boolean started;

    Future<String> run() {
      started = true;
      return result.future();
    }
  }

  private IntakeAdmission admission(int maxQueuedEvents, int queueTimeoutMs, int maxWrites) {
    return new IntakeAdmission(new IntakeAdmission.Settings(maxQueuedEvents, Duration.ofMillis(queueTimeoutMs),
        maxWrites), scheduler, () -> now);
  }

  private void advanceMs(long ms) {
    now += ms * 1_000_000;
  }

  private void fireTimers() {
    List<Runnable> due = new ArrayList<>(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  @Test
  void writesUpToTheSlotsStartAtOnceTheNextWaitsAndStartsWhenASlotFrees() {
    IntakeAdmission admission = admission(1000, 500, 2);
    Write a = new Write();
    Write b = new Write();
    Write c = new Write();
    Future<String> fa = admission.submit(100, a::run);
    Future<String> fb = admission.submit(100, b::run);
    Future<String> fc = admission.submit(100, c::run);
    assertTrue(a.started && b.started);
    assertFalse(c.started, "beyond the slots, a call waits");
    assertEquals(100, admission.queuedEvents());
    assertEquals(List.of(Duration.ofMillis(500)), delays, "its queue timeout is armed");

    advanceMs(100);
    a.result.complete("a");
    assertEquals("a", fa.result());
    assertTrue(c.started, "the freed slot goes to the waiting call");
    assertEquals(0, admission.queuedEvents());
    fireTimers(); // its timeout, after its start, changes nothing
    assertFalse(fc.isComplete());
    c.result.complete("c");
    b.result.complete("b");
    assertEquals("c", fc.result());
    assertEquals("b", fb.result());
    assertEquals(0, admission.rejected());
  }

  @Test
  void aCallWhoseWriteHasNotStartedWithinTheQueueTimeoutIsRefusedAndNeverWritten() {
    IntakeAdmission admission = admission(1000, 500, 1);
    Write stalled = new Write();
    Write waiting = new Write();
    Future<String> first = admission.submit(100, stalled::run);
    Future<String> second = admission.submit(100, waiting::run);
    advanceMs(500);
    fireTimers();
    ApplicationException.Overloaded refused = assertInstanceOf(ApplicationException.Overloaded.class,
        second.cause());
    assertEquals(Duration.ofSeconds(1), refused.retryAfter());
    assertTrue(refused.getMessage().startsWith("overloaded: "), refused.getMessage());
    assertEquals(0, admission.queuedEvents());

    // the started write is awaited, however long the store takes
    advanceMs(20_000);
    assertFalse(first.isComplete());
    stalled.result.complete("stored");
    assertEquals("stored", first.result());
    assertFalse(waiting.started, "a refused call is never written, not even when a slot frees later");
    assertEquals(1, admission.rejected());
  }

  @Test
  void aWaitingCallFoundLateWhenASlotFreesIsRefusedNotStarted() {
    IntakeAdmission admission = admission(1000, 500, 1);
    Write slow = new Write();
    Write late = new Write();
    Future<String> first = admission.submit(10, slow::run);
    Future<String> second = admission.submit(10, late::run);
    advanceMs(600); // past its timeout, but the timer has not run yet
    slow.result.complete("done");
    assertEquals("done", first.result());
    assertInstanceOf(ApplicationException.Overloaded.class, second.cause());
    assertFalse(late.started);
  }

  @Test
  void aCallThatDoesNotFitInTheQueueIsRefusedUpFront() {
    IntakeAdmission admission = admission(150, 60_000, 1);
    Write running = new Write();
    Write queued = new Write();
    Write tooMany = new Write();
    admission.submit(100, running::run);
    Future<String> waits = admission.submit(100, queued::run);
    Future<String> refused = admission.submit(100, tooMany::run);
    assertInstanceOf(ApplicationException.Overloaded.class, refused.cause(), "refused at once");
    assertFalse(tooMany.started);
    assertFalse(waits.isComplete(), "the call already queued still waits");
    assertEquals(100, admission.queuedEvents());
  }

  @Test
  void aSlowWriteMeasuredEarlierDoesNotTurnAwayCallsThatCanStillStartInTime() {
    IntakeAdmission admission = admission(100_000, 500, 1);
    // one slow write (a cold store's first): 1 event in 400 ms
    Write measured = new Write();
    admission.submit(1, measured::run);
    advanceMs(400);
    measured.result.complete("ok");

    // a burst of single events behind one running write: by the old estimate (400 ms per event) the
    // second already "would wait too long"; they queue instead, and start as slots free
    Write running = new Write();
    admission.submit(1, running::run);
    List<Write> burst = new ArrayList<>();
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Write w = new Write();
      burst.add(w);
      calls.add(admission.submit(1, w::run));
    }
    calls.forEach(c -> assertFalse(c.isComplete(), "queued, not refused"));
    assertEquals(0, admission.rejected());
    advanceMs(5);
    running.result.complete("ok");
    for (int i = 0; i < 5; i++) {
      assertTrue(burst.get(i).started, "write " + i + " started");
      advanceMs(5);
      burst.get(i).result.complete("ok");
      assertEquals("ok", calls.get(i).result());
    }
    assertEquals(0, admission.rejected());
  }

  @Test
  void aFailedWriteFreesItsSlotAndFailsItsCallAsTheStoreSaid() {
    IntakeAdmission admission = admission(1000, 500, 1);
    Write failing = new Write();
    Write next = new Write();
    Future<String> first = admission.submit(10, failing::run);
    Future<String> second = admission.submit(10, next::run);
    ApplicationException.StoreUnavailable down = new ApplicationException.StoreUnavailable("store unavailable", null);
    failing.result.fail(down);
    assertEquals(down, first.cause());
    assertTrue(next.started);
    next.result.complete("ok");
    assertEquals("ok", second.result());
  }

  @Test
  void aReadNotAnsweredWithinTheQueueTimeoutIsRefusedAndItsTimeCountsAgainstTheWrite() {
    IntakeAdmission admission = admission(1000, 500, 1);
    long arrived = admission.now();
    Promise<String> slowRead = Promise.promise();
    Future<String> read = admission.read(slowRead.future(), arrived);
    assertEquals(List.of(Duration.ofMillis(500)), delays);
    advanceMs(500);
    fireTimers();
    assertInstanceOf(ApplicationException.Overloaded.class, read.cause());
    slowRead.complete("late"); // a late answer changes nothing
    assertTrue(read.cause().getMessage().startsWith("store unavailable: no answer within 500 ms"), read.cause().getMessage());

    // a read answered in time passes; the time it took is taken from the wait for a write slot
    long second = admission.now();
    Promise<String> quickRead = Promise.promise();
    Future<String> ok = admission.read(quickRead.future(), second);
    advanceMs(300);
    quickRead.complete("integrations");
    fireTimers();
    assertEquals("integrations", ok.result());
    Write running = new Write();
    admission.submit(10, running::run);
    Write waits = new Write();
    Future<String> queued = admission.submit(10, second, waits::run);
    assertEquals(Duration.ofMillis(200), delays.get(delays.size() - 1), "only what is left of its 500 ms");
    advanceMs(200);
    fireTimers();
    assertInstanceOf(ApplicationException.Overloaded.class, queued.cause());
    assertFalse(waits.started);
    assertEquals(2, admission.rejected());
  }

  @Test
  void unboundedAdmissionStartsEveryWriteAtOnce() {
    IntakeAdmission admission = IntakeAdmission.unbounded();
    List<Write> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Write w = new Write();
      writes.add(w);
      admission.submit(100, w::run);
    }
    assertTrue(writes.stream().allMatch(w -> w.started));
  }
}
