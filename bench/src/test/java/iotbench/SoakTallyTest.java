package iotbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakTallyTest {

  @Test
  void callsAreSummedUpByTheMinuteTheyWereSentIn() {
    List<SoakTally.Call> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(new SoakTally.Call(i * 100.0, i == 99 ? 2_000 : 10, 202, 100)); // minute 1
    }
    calls.add(new SoakTally.Call(61_000, 900, 503, 100)); // minute 2
    calls.add(new SoakTally.Call(62_000, 50, 202, 100));
    calls.add(new SoakTally.Call(63_000, 60_000, -1, 100)); // no answer
    calls.add(new SoakTally.Call(95_000, 40, 500, 100)); // minute 2 as well (the feed is 90 s: clamped)

    List<SoakTally.Minute> minutes = SoakTally.perMinute(calls, 90);
    assertEquals(2, minutes.size());
    SoakTally.Minute first = minutes.get(0);
    assertEquals(1, first.minute());
    assertEquals(100, first.calls());
    assertEquals(10_000, first.acceptedEvents());
    assertEquals(10_000 / 60.0, first.acceptedPerSecond(), 1e-9);
    assertEquals(10, first.p50Ms());
    assertEquals(10, first.p99Ms(), "1 slow call of 100 is above the p99 by nearest rank");
    assertEquals(2_000, first.maxMs());
    assertEquals(0, first.rejected503());

    SoakTally.Minute second = minutes.get(1);
    assertEquals(30.0, second.seconds(), "the last minute is as long as what is left of the feed");
    assertEquals(4, second.calls());
    assertEquals(100, second.acceptedEvents());
    assertEquals(100 / 30.0, second.acceptedPerSecond(), 1e-9);
    assertEquals(1, second.rejected503());
    assertEquals(2, second.otherErrors(), "a 500 and a call without an answer");
    assertEquals(60_000, second.p99Ms());
  }

  @Test
  void aMinuteWithoutCallsIsReportedEmpty() {
    List<SoakTally.Minute> minutes = SoakTally.perMinute(List.of(new SoakTally.Call(1, 5, 202, 100)), 180);
    assertEquals(3, minutes.size());
    assertEquals(0, minutes.get(2).calls());
    assertTrue(Double.isNaN(minutes.get(2).p99Ms()));
  }

  @Test
  void aDuplicateIsAPostAfterAnAcknowledgementNotARetryOfAFailure() {
    SoakTally.EventSeen retried = new SoakTally.EventSeen(); // failed, retried, then acknowledged
    retried.post();
    retried.post();
    retried.acknowledged();
    SoakTally.EventSeen duplicated = new SoakTally.EventSeen(); // acknowledged, then sent again
    duplicated.post();
    duplicated.acknowledged();
    duplicated.post();
    SoakTally.EventSeen once = new SoakTally.EventSeen();
    once.post();
    once.acknowledged();
    SoakTally.EventSeen neverAcknowledged = new SoakTally.EventSeen();
    neverAcknowledged.post();
    neverAcknowledged.post();

    assertEquals(0, retried.postsAfterAck());
    assertEquals(1, duplicated.postsAfterAck());
    assertEquals(100.0 / 3, SoakTally.duplicatePercent(List.of(retried, duplicated, once, neverAcknowledged)), 1e-9);
    assertEquals(0.0, SoakTally.duplicatePercent(List.of()));
  }

  @Test
  void aQuarterOfTheAttemptsFailHalfOfThemSlowly() {
    int ok = 0;
    int fast = 0;
    int slow = 0;
    for (int i = 0; i < 1000; i++) {
      switch (SoakTally.answer(i / 1000.0, 0.25)) {
        case OK -> ok++;
        case FAIL_FAST -> fast++;
        case FAIL_SLOW -> slow++;
      }
    }
    assertEquals(750, ok);
    assertEquals(125, fast);
    assertEquals(125, slow);
  }

  @Test
  void theReportTablesTheMinutesAndChecksTheTargets() {
    Map<String, String> v = SoakReport.parse(String.join("\n",
        "soak_seconds=120", "soak_rate=300", "soak_settle_seconds=120",
        "soak_minute1_accepted_per_s=300", "soak_minute1_calls=180", "soak_minute1_p50_ms=20",
        "soak_minute1_p99_ms=400", "soak_minute1_max_ms=700", "soak_minute1_503=0", "soak_minute1_other_errors=0",
        "soak_minute2_accepted_per_s=250", "soak_minute2_calls=180", "soak_minute2_p50_ms=30",
        "soak_minute2_p99_ms=1200", "soak_minute2_max_ms=1500", "soak_minute2_503=30",
        "soak_minute2_other_errors=0", "soak_p99_ms=1100", "soak_duplicates_percent=0.05",
        "soak_duplicated_events=20", "soak_unfinished=0", "soak_accepted_events=33000", "store=embedded",
        "load_start=3.1 2.0 1.5", ""));
    String md = SoakReport.render(v);
    assertTrue(md.contains("| 2 | 250 | 180 | 30 | 1200 | 1500 | 30 | 0 |"), md);
    assertTrue(md.contains("| duplicates < 0.1 % | 0.0500 % (20 events POSTed again after a 200 at once): met |"), md);
    assertTrue(md.contains("| bulk-call p99 < 1 s | 1100 ms: **missed** |"), md);
    assertTrue(md.contains("0 of 33000 unfinished: met"), md);
    assertTrue(md.contains("load average 3.1 2.0 1.5 at the start"), md);
  }
}
