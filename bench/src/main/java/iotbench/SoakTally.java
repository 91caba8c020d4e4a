package iotbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's bookkeeping, free of I/O so that it can be unit-tested: the intake calls (when sent, how long
 * they took, what they answered) summed up per minute of the feed, and the receiver's view of each event
 * (POSTs, and whether a POST came after the receiver had already answered an earlier one 200 at once).
 */
final class SoakTally {
  /** One bulk intake call: sent {@code sentMs} after the feed started, answered after {@code latencyMs}. */
  record Call(double sentMs, double latencyMs, int status, int events) {}

  /** The figures of one minute of the feed (calls by the minute they were sent in). */
  record Minute(int minute, double seconds, long calls, long acceptedEvents, long rejected503, long otherErrors,
      double p50Ms, double p99Ms, double maxMs) {
    double acceptedPerSecond() {
      return acceptedEvents / seconds;
    }
  }

  private SoakTally() {}

  /**
   * Per minute of the feed ({@code feedSeconds} long; the last minute may be shorter): calls, accepted
   * events per second, 503s, other failures (another status, or no answer: status {@code <= 0}) and the
   * latency percentiles of every call sent in it, whatever it answered.
   */
  static List<Minute> perMinute(List<Call> calls, double feedSeconds) {
    Map<Integer, List<Call>> byMinute = new TreeMap<>();
    int minutes = Math.max(1, (int) Math.ceil(feedSeconds / 60.0));
    for (int m = 0; m < minutes; m++) {
      byMinute.put(m, new ArrayList<>());
    }
    for (Call c : calls) {
      int m = Math.min(minutes - 1, Math.max(0, (int) (c.sentMs() / 60_000)));
      byMinute.get(m).add(c);
    }
    List<Minute> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Call>> e : byMinute.entrySet()) {
      int m = e.getKey();
      double seconds = Math.min(60.0, feedSeconds - 60.0 * m);
      long accepted = 0;
      long rejected = 0;
      long other = 0;
      double[] latencies = new double[e.getValue().size()];
      int i = 0;
      for (Call c : e.getValue()) {
        latencies[i++] = c.latencyMs();
        if (c.status() == 202) {
          accepted += c.events();
        } else if (c.status() == 503) {
          rejected++;
        } else {
          other++;
        }
      }
      double[] sorted = Stats.sorted(latencies);
      out.add(new Minute(m + 1, seconds <= 0 ? 60.0 : seconds, latencies.length, accepted, rejected, other,
          Stats.percentile(sorted, 50), Stats.percentile(sorted, 99),
          sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
    }
    return out;
  }

  /** p-th percentile of the latency of every call. */
  static double latencyPercentile(List<Call> calls, double p) {
    return Stats.percentile(Stats.sorted(calls.stream().mapToDouble(Call::latencyMs).toArray()), p);
  }

  /**
   * What the receiver saw of one event: POSTs in all, whether one was answered 200 at once, and POSTs that
   * arrived after that answer (duplicates: the service sent an event again although the receiver had
   * acknowledged it). Guarded by its own monitor (the receiver runs on several event loops).
   */
  static final class EventSeen {
    private int posts;
    private boolean acknowledged;
    private int postsAfterAck;

    /** A POST arrived; it was sent again after an acknowledgement if one was already given. */
    synchronized void post() {
      posts++;
      if (acknowledged) {
        postsAfterAck++;
      }
    }

    /** The receiver answered this POST 200 at once. */
    synchronized void acknowledged() {
      acknowledged = true;
    }

    synchronized int posts() {
      return posts;
    }

    synchronized boolean wasAcknowledged() {
      return acknowledged;
    }

    synchronized int postsAfterAck() {
      return postsAfterAck;
    }
  }

  /** What the receiver does with one POST. */
  enum Answer {
    OK, FAIL_FAST, FAIL_SLOW
  }

  /**
   * The receiver's choice for one POST from a uniform draw {@code r} in [0, 1): a {@code failShare} of the
   * attempts fail, half of them with an immediate 500 and half answered only after the webhook timeout.
   */
  static Answer answer(double r, double failShare) {
    if (r >= failShare) {
      return Answer.OK;
    }
    return r < failShare / 2 ? Answer.FAIL_FAST : Answer.FAIL_SLOW;
  }

  /** Distinct events POSTed again after an acknowledgement, as a percentage of the acknowledged events. */
  static double duplicatePercent(Iterable<EventSeen> events) {
    long acknowledged = 0;
    long duplicated = 0;
    for (EventSeen e : events) {
      if (e.wasAcknowledged()) {
        acknowledged++;
        if (e.postsAfterAck() > 0) {
          duplicated++;
        }
      }
    }
    return acknowledged == 0 ? 0.0 : 100.0 * duplicated / acknowledged;
  }
}
